package dev.productapi.redis;

import java.time.Duration;

import com.github.benmanes.caffeine.cache.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * How many replicas of one master must acknowledge a delete before the delete counts as
 * safe from a failover: the replicas the master has now, and those it lost within the
 * grace period.
 * <p>
 * A lost replica is not gone for good: Sentinel and Cluster still promote a replica that
 * was cut off from its master for up to ten times their failure-detection time, and such
 * a replica may lack the latest deletes. So for the grace period every delete waits for
 * it, fails to be acknowledged, and stays pending (reads of the key go to the database)
 * until the replica is back or the grace period is over.
 */
final class ExpectedReplicas {

	private static final Logger logger = LoggerFactory.getLogger(ExpectedReplicas.class);

	private final String master;

	private final long graceNanos;

	private final Ticker ticker;

	private int expected;

	private long lastSeenAllAt;

	ExpectedReplicas(String master, Duration grace, Ticker ticker) {
		this.master = master;
		this.graceNanos = grace.toNanos();
		this.ticker = ticker;
	}

	/** The replicas to wait for, given how many the master has just now. */
	synchronized int update(int observed) {
		long now = this.ticker.read();
		if (observed >= this.expected) {
			this.expected = observed;
			this.lastSeenAllAt = now;
		}
		else if (now - this.lastSeenAllAt >= this.graceNanos) {
			logger.warn("Redis master {} has {} of its {} replicas after {} s; no longer waiting for the others",
					this.master, observed, this.expected, Duration.ofNanos(this.graceNanos).toSeconds());
			this.expected = observed;
			this.lastSeenAllAt = now;
		}
		return this.expected;
	}

}
