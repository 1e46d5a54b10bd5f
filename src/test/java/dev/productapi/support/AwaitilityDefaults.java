package dev.productapi.support;

import java.time.Duration;

import org.awaitility.Awaitility;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * How every test waits with Awaitility's {@code await(...).atMost(...).until(...)}: the
 * condition is checked at once, then every 20 ms, rather than Awaitility's first check
 * after 100 ms and every 100 ms after that, so that a wait ends as soon as its condition
 * holds and does not miss a state that lasts a moment. Every test class gets this through
 * {@code junit-platform.properties} and
 * {@code META-INF/services/org.junit.jupiter.api.extension.Extension}, before its own
 * extensions start anything.
 */
public final class AwaitilityDefaults implements BeforeAllCallback {

	@Override
	public void beforeAll(ExtensionContext context) {
		Awaitility.setDefaultPollDelay(Duration.ZERO);
		Awaitility.setDefaultPollInterval(Duration.ofMillis(20));
	}

}
