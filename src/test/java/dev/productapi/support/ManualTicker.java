package dev.productapi.support;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;

import com.github.benmanes.caffeine.cache.Ticker;

/**
 * A {@link Ticker}, the time source of the near cache, the circuit breaker and the
 * replica count, that moves only when the test moves it: unit tests step through timeouts
 * and grace periods to the nanosecond, and never sleep.
 */
public final class ManualTicker implements Ticker {

	private final AtomicLong nanos;

	/** Starts at the given reading (any value: only differences count). */
	public ManualTicker(long start) {
		this.nanos = new AtomicLong(start);
	}

	@Override
	public long read() {
		return this.nanos.get();
	}

	public void advance(Duration duration) {
		this.nanos.addAndGet(duration.toNanos());
	}

}
