package dev.productapi.support;

import java.time.Duration;

/**
 * Deliberate pauses. Waiting for a condition is Awaitility's
 * {@code await(description).atMost(timeout).until(condition)}.
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

}
