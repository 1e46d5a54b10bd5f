package dev.productapi.support;

import java.time.Duration;
import java.time.Instant;

/**
 * A failover observed by {@link TestRedisSentinel#awaitFailover} or
 * {@link TestRedisCluster#awaitFailover}.
 *
 * @param oldMaster the master that failed
 * @param newMaster the node promoted in its place
 * @param disruptedAt when the old master was killed or frozen by the test (or, if the
 * test did neither through its handle, when the wait began)
 * @param writableAt when the new master first accepted a write (polled every 20 ms)
 * @param completedAt when the failover was complete from the clients' point of view: for
 * Sentinel, every sentinel reports the new master; for Cluster, every reachable node maps
 * the old master's slots to the new master
 */
public record Failover(RedisNode oldMaster, RedisNode newMaster, Instant disruptedAt, Instant writableAt,
		Instant completedAt) {

	/** From the disruption until the new master accepted a write. */
	public Duration untilWritable() {
		return Duration.between(this.disruptedAt, this.writableAt);
	}

	/** From the disruption until the failover was complete. */
	public Duration untilCompleted() {
		return Duration.between(this.disruptedAt, this.completedAt);
	}

	@Override
	public String toString() {
		return "failover " + this.oldMaster + " -> " + this.newMaster + ": writable after " + untilWritable().toMillis()
				+ " ms, complete after " + untilCompleted().toMillis() + " ms";
	}

}
