package dev.productapi.support;

import java.time.Duration;
import java.util.function.BooleanSupplier;

/**
 * Deliberate pauses. Waiting for a condition is Awaitility's
 * {@code await(description).atMost(timeout).until(condition)}; {@link #until} is left
 * only for {@code WarmUpTest}, which is being rewritten, and goes once nothing uses it.
 */
public final class Await {

	private Await() {
	}

	public static void pause(Duration duration) {
		try {
			Thread.sleep(duration);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted", ex);
		}
	}

	/**
	 * Polls a condition until it holds, failing with a message that says what never
	 * happened. New code uses Awaitility instead.
	 */
	public static void until(String description, Duration timeout, BooleanSupplier condition) {
		long deadline = System.nanoTime() + timeout.toNanos();
		while (!condition.getAsBoolean()) {
			if (System.nanoTime() - deadline > 0) {
				throw new AssertionError("Timed out after " + timeout.toMillis() + " ms waiting until " + description);
			}
			try {
				Thread.sleep(20);
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				throw new AssertionError("Interrupted waiting until " + description);
			}
		}
	}

}
