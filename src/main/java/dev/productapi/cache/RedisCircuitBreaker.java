package dev.productapi.cache;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.NestedExceptionUtils;

/**
 * Stops the API from paying a Redis timeout on every request while Redis is down.
 * <p>
 * After a failure the breaker opens: callers skip Redis entirely, and once per retry
 * interval a single caller is let through as a probe. The first success closes it again.
 * Opening and closing are each logged once, so an outage under full load produces two log
 * lines, not one per request.
 */
final class RedisCircuitBreaker {

	private static final Logger logger = LoggerFactory.getLogger(RedisCircuitBreaker.class);

	private static final long CLOSED = Long.MIN_VALUE;

	private final long retryIntervalNanos;

	private final Ticker ticker;

	/**
	 * {@link #CLOSED}, or the {@link Ticker#read() time} at which the next probe may go.
	 */
	private final AtomicLong nextProbeAt = new AtomicLong(CLOSED);

	RedisCircuitBreaker(Duration retryInterval, Ticker ticker) {
		this.retryIntervalNanos = retryInterval.toNanos();
		this.ticker = ticker;
	}

	boolean allowsRequest() {
		long probeAt = this.nextProbeAt.get();
		if (probeAt == CLOSED) {
			return true;
		}
		long now = this.ticker.read();
		// Only the caller that wins this race probes; everyone else keeps bypassing.
		return now - probeAt >= 0 && this.nextProbeAt.compareAndSet(probeAt, now + this.retryIntervalNanos);
	}

	void recordSuccess() {
		if (this.nextProbeAt.get() != CLOSED && this.nextProbeAt.getAndSet(CLOSED) != CLOSED) {
			logger.info("Redis is reachable again; caching resumed");
		}
	}

	/** Returns whether this failure opened the breaker. */
	boolean recordFailure(RuntimeException failure) {
		long previous = this.nextProbeAt.getAndSet(this.ticker.read() + this.retryIntervalNanos);
		if (previous != CLOSED) {
			return false;
		}
		logger.warn("Redis is unavailable ({}); serving from the database and retrying every {} ms",
				NestedExceptionUtils.getMostSpecificCause(failure).getMessage(),
				Duration.ofNanos(this.retryIntervalNanos).toMillis());
		return true;
	}

	boolean isOpen() {
		return this.nextProbeAt.get() != CLOSED;
	}

}
