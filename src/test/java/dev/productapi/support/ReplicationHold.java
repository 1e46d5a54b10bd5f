package dev.productapi.support;

import java.time.Duration;
import java.util.Map;

import io.lettuce.core.KillArgs;

import static org.awaitility.Awaitility.await;

/**
 * Replication held back between a master and its replica, as
 * {@link TestRedisSentinel#holdBackReplication()} and
 * {@link TestRedisCluster#holdBackReplication(RedisNode)} set it up: the replica had
 * everything the master had, then was frozen (SIGSTOP), then the master dropped its
 * connection ({@code CLIENT KILL TYPE replica}). The frozen replica cannot reconnect, so
 * every write to the master from now on exists only there, and {@link #crashMaster()}
 * loses it, as an acknowledged but not yet replicated write is lost in a real failover.
 * Why this way and not by freezing alone, {@code DEBUG SLEEP} or {@code CLIENT PAUSE}:
 * see {@link TestRedisSentinel}.
 */
public final class ReplicationHold implements AutoCloseable {

	private final RedisNode master;

	private final RedisNode replica;

	private ReplicationHold(RedisNode master, RedisNode replica) {
		this.master = master;
		this.replica = replica;
	}

	static ReplicationHold start(RedisNode master, RedisNode replica) {
		await(replica + " has everything " + master + " has").atMost(Duration.ofSeconds(10)).until(() -> {
			try {
				long masterOffset = Long.parseLong(master.info("replication").get("master_repl_offset"));
				Map<String, String> replication = replica.info("replication");
				return "up".equals(replication.get("master_link_status"))
						&& Long.parseLong(replication.get("slave_repl_offset")) >= masterOffset;
			}
			catch (RuntimeException ex) {
				return false;
			}
		});
		replica.freeze();
		master.commands().clientKill(KillArgs.Builder.typeSlave());
		await(master + " has no replica connected").atMost(Duration.ofSeconds(5))
			.until(() -> "0".equals(master.info("replication").get("connected_slaves")));
		return new ReplicationHold(master, replica);
	}

	public RedisNode master() {
		return this.master;
	}

	public RedisNode replica() {
		return this.replica;
	}

	/**
	 * Kills the master (SIGKILL) and thaws the replica at once, so it is promoted without
	 * the writes made since the hold; follow with {@code awaitFailover}. Thawing at once
	 * matters: see {@link TestRedisSentinel}.
	 */
	public void crashMaster() {
		this.master.kill();
		this.replica.thaw();
	}

	/** Thaws the replica with the master still up: it reconnects and catches up. */
	public void release() {
		if (this.replica.isRunning() && this.replica.isFrozen()) {
			this.replica.thaw();
		}
	}

	/** Thaws the replica if it is still frozen. */
	@Override
	public void close() {
		release();
	}

}
