package dev.productapi.lifecycle;

import java.time.Duration;

/**
 * When the warm-up stops, judged once a second: once the JIT has settled, having spent
 * less than {@code settledPercent} % of the last second compiling, but not before the
 * {@code minimum}; or once the {@code limit} has passed, whatever the JIT does.
 *
 * @param minimum the warm-up's shortest run, even if the JIT is idle
 * @param settledPercent the share of a second spent compiling under which the JIT has
 * settled
 * @param limit the warm-up's longest run, even if the JIT is still compiling
 */
record SettleRule(Duration minimum, int settledPercent, Duration limit) {

	private static final long SECOND_MILLIS = 1000;

	/**
	 * Whether the warm-up is over, {@code elapsed} after its start, when the JIT compiled
	 * for {@code compilingMillis} in the last second.
	 */
	boolean isOver(Duration elapsed, long compilingMillis) {
		return isSettled(elapsed, compilingMillis) || elapsed.compareTo(this.limit) >= 0;
	}

	/**
	 * Whether the JIT has settled: under {@code settledPercent} % of the last second
	 * compiling, {@code minimum} or more after the start.
	 */
	boolean isSettled(Duration elapsed, long compilingMillis) {
		return compilingMillis * 100 < SECOND_MILLIS * this.settledPercent && elapsed.compareTo(this.minimum) >= 0;
	}

}
