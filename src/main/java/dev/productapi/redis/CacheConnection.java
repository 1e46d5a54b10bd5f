package dev.productapi.redis;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;

import com.github.benmanes.caffeine.cache.Ticker;
import io.lettuce.core.AbstractRedisClient;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.RedisClusterClient;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;

/**
 * The cache's connections to Redis, whichever topology is configured: one master (a
 * single server, or the master that a Sentinel group names) or a Redis Cluster.
 * <p>
 * Lookups, leases and fills share one connection: Lettuce multiplexes commands from any
 * number of threads over it, so a pool would only add sockets and hand-offs.
 * Invalidations have a connection of their own, because each waits for the replicas to
 * acknowledge its delete ({@code WAIT}), and a {@code WAIT} holds up every command queued
 * behind it on its connection.
 */
public abstract sealed class CacheConnection implements AutoCloseable
		permits SingleMasterConnection, ClusterConnection {

	/** String keys, byte values: JSON goes to and from Redis as bytes, never decoded. */
	static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

	private final Duration acknowledgementTimeout;

	private final Duration replicaGrace;

	private final List<Runnable> changeListeners = new CopyOnWriteArrayList<>();

	/**
	 * @param acknowledgementTimeout how long an invalidation waits for replicas to apply
	 * its delete, or {@code null} not to wait at all
	 * @param replicaGrace how long a replica that its master lost is still waited for
	 */
	CacheConnection(Duration acknowledgementTimeout, Duration replicaGrace) {
		this.acknowledgementTimeout = acknowledgementTimeout;
		this.replicaGrace = replicaGrace;
	}

	/**
	 * The connection for the client that Spring Boot configured from the Redis settings.
	 */
	static CacheConnection of(AbstractRedisClient client, Duration acknowledgementTimeout, Duration replicaGrace) {
		return switch (client) {
			case RedisClusterClient cluster -> new ClusterConnection(cluster, acknowledgementTimeout, replicaGrace);
			case RedisClient single -> new SingleMasterConnection(single, acknowledgementTimeout, replicaGrace);
			default -> throw new IllegalArgumentException("Unsupported Redis client " + client.getClass());
		};
	}

	/** A fresh count of the replicas that one master's deletes must reach. */
	ExpectedReplicas expectedReplicas(String master) {
		return new ExpectedReplicas(master, this.replicaGrace, Ticker.systemTicker());
	}

	/** Commands for lookups, leases and fills; each goes to the master of its key. */
	public abstract RedisClusterAsyncCommands<String, byte[]> commands();

	/**
	 * Deletes the key on its master and, if that master has replicas, waits for all of
	 * them to apply the delete, so that no failover can bring the old value back. Returns
	 * whether that is known to have happened; {@code false} means "not yet, try again
	 * later". Throws when Redis fails.
	 */
	public abstract boolean deleteEverywhere(String key);

	/**
	 * A connection to each master, for Redis to report key changes on; the same
	 * connections until {@link #onChange listeners} hear of a change.
	 */
	public abstract List<StatefulRedisConnection<String, byte[]>> trackingConnections();

	/**
	 * Called when Redis has just started failing. Throws the connections away where only
	 * a new connection would find a new master (a frozen or demoted master keeps its old
	 * connections open).
	 */
	public abstract void reset();

	/** How many opens have failed so far; each paid the connect timeout. */
	abstract int failedOpens();

	/**
	 * Runs the listener whenever the connections may now reach other masters than before:
	 * a reset, or a new Cluster topology. What was learned from the old ones may be
	 * stale.
	 */
	public void onChange(Runnable listener) {
		this.changeListeners.add(listener);
	}

	void changed() {
		this.changeListeners.forEach(Runnable::run);
	}

	/** DEL, then WAIT on the same connection when the master has replicas. */
	boolean deleteAndWait(RedisClusterAsyncCommands<String, byte[]> master, String key, int replicas) {
		return waitForReplicas(master, master.del(key), replicas);
	}

	/**
	 * Whether the delete just sent on {@code master} was applied there and, when the
	 * master has replicas, by all of them: a WAIT follows it on the same connection.
	 */
	boolean waitForReplicas(RedisClusterAsyncCommands<String, byte[]> master, Future<Long> deleted, int replicas) {
		if (replicas == 0 || this.acknowledgementTimeout == null) {
			await(deleted);
			return true;
		}
		RedisFuture<Long> acknowledged = master.waitForReplication(replicas, this.acknowledgementTimeout.toMillis());
		await(deleted);
		return await(acknowledged) >= replicas;
	}

	/**
	 * The command's result. The wait has no timer of its own: Lettuce fails every command
	 * that has no reply after the command timeout, and an untimed wait keeps a virtual
	 * thread's park off the JDK's delay scheduler, which costs a thread wake-up per
	 * request.
	 */
	public static <T> T await(Future<T> command) {
		try {
			return command.get();
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof RuntimeException failure) ? failure : new RedisException(ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RedisException("Interrupted while waiting for Redis", ex);
		}
	}

}
