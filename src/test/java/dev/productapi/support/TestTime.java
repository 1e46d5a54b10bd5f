package dev.productapi.support;

import java.time.Instant;

/**
 * The one clock by which test code times events against each other:
 * {@link System#nanoTime()}, which only goes forward, told as {@link Instant}s counted
 * from the wall-clock time at which this class was loaded. Two instants from here are as
 * far apart as the events were, whatever the wall clock does meanwhile (stepped or slewed
 * by NTP); an {@code Instant.now()} compared with a time derived from
 * {@code System.nanoTime()} is not. Where a time must be compared with another process's
 * wall clock (a log event's time stamp, a row's epoch milliseconds), it is read from the
 * wall clock instead.
 */
public final class TestTime {

	private static final Instant ORIGIN = Instant.now();

	private static final long ORIGIN_NANOS = System.nanoTime();

	private TestTime() {
	}

	/** Now. */
	public static Instant now() {
		return of(System.nanoTime());
	}

	/** The instant of a {@link System#nanoTime()} reading. */
	public static Instant of(long nanoTime) {
		return ORIGIN.plusNanos(nanoTime - ORIGIN_NANOS);
	}

}
