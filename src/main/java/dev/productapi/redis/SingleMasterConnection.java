package dev.productapi.redis;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.lettuce.core.RedisClient;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.cluster.api.async.RedisClusterAsyncCommands;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * A single Redis server, or the master of a Sentinel group. Lettuce looks the master up
 * through the sentinels on every connect and reconnect; but a master that froze, or that
 * came back demoted after a failover, keeps its connections open, so {@link #reset}
 * throws them away and the next use connects afresh, to whichever master the sentinels
 * name then.
 */
final class SingleMasterConnection extends CacheConnection {

	private static final Logger logger = LoggerFactory.getLogger(SingleMasterConnection.class);

	/** How long a count of the master's replicas is trusted before it is asked again. */
	private static final Duration REPLICA_COUNT_AGE = Duration.ofSeconds(1);

	private final RedisClient client;

	private final LazyConnection<StatefulRedisConnection<String, byte[]>> reads;

	private final LazyConnection<StatefulRedisConnection<String, byte[]>> invalidations;

	private final LazyConnection<StatefulRedisConnection<String, byte[]>> tracking;

	/**
	 * The replicas of the master that the invalidation connection reaches; new with it.
	 */
	private volatile ExpectedReplicas expected;

	private volatile int replicas;

	private final AtomicLong replicasCountedAt = new AtomicLong();

	SingleMasterConnection(RedisClient client, Duration acknowledgementTimeout, Duration replicaGrace) {
		super(acknowledgementTimeout, replicaGrace);
		this.client = client;
		this.reads = new LazyConnection<>(this::connect);
		this.invalidations = new LazyConnection<>(() -> {
			StatefulRedisConnection<String, byte[]> connection = connect();
			this.expected = expectedReplicas("the Redis master");
			this.replicas = this.expected.update(replicas(connection.sync().role()));
			this.replicasCountedAt.set(System.nanoTime());
			return connection;
		});
		this.tracking = new LazyConnection<>(this::connect);
	}

	private StatefulRedisConnection<String, byte[]> connect() {
		return this.client.connect(CODEC);
	}

	@Override
	public RedisClusterAsyncCommands<String, byte[]> commands() {
		return this.reads.get().async();
	}

	@Override
	public boolean deleteEverywhere(String key) {
		RedisClusterAsyncCommands<String, byte[]> master = this.invalidations.get().async();
		recountReplicasIfOld(master);
		return deleteAndWait(master, key, this.replicas);
	}

	/** Asks the master for its replicas in the background, at most once per second. */
	private void recountReplicasIfOld(RedisClusterAsyncCommands<String, byte[]> master) {
		long countedAt = this.replicasCountedAt.get();
		long now = System.nanoTime();
		if (now - countedAt > REPLICA_COUNT_AGE.toNanos() && this.replicasCountedAt.compareAndSet(countedAt, now)) {
			ExpectedReplicas expected = this.expected;
			master.role().thenAccept((role) -> this.replicas = expected.update(replicas(role)));
		}
	}

	/**
	 * The replicas that {@code ROLE} lists:
	 * {@code ["master", offset, [[host, port, offset], ...]]}, where the role arrives as
	 * bytes, like every value on these connections.
	 */
	private static int replicas(List<Object> role) {
		Object name = role.isEmpty() ? null : role.get(0);
		String text = (name instanceof byte[] bytes) ? new String(bytes, StandardCharsets.US_ASCII)
				: String.valueOf(name);
		return ("master".equals(text) && role.size() > 2 && role.get(2) instanceof List<?> replicas) ? replicas.size()
				: 0;
	}

	@Override
	public List<StatefulRedisConnection<String, byte[]>> trackingConnections() {
		return List.of(this.tracking.get());
	}

	@Override
	public void reset() {
		if (this.reads.getIfOpen() == null && this.invalidations.getIfOpen() == null) {
			return;
		}
		logger.info("Dropping the Redis connections; the next use looks the master up again");
		this.reads.reset();
		this.invalidations.reset();
		this.tracking.reset();
		changed();
	}

	@Override
	int failedOpens() {
		return this.reads.failedOpens() + this.invalidations.failedOpens();
	}

	@Override
	public void close() {
		this.reads.close();
		this.invalidations.close();
		this.tracking.close();
	}

}
