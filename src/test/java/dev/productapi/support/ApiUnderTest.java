package dev.productapi.support;

import java.util.Map;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * One running API per test class, with a Redis server of its own and a fresh SQLite
 * database: {@code @RegisterExtension static final ApiUnderTest app = ApiUnderTest.withSettings(...)}.
 */
public final class ApiUnderTest implements BeforeAllCallback, AfterAllCallback {

	private final String[] settings;

	private Class<?>[] sources = {};

	private TestRedis redis;

	private RunningApp app;

	private ApiUnderTest(String[] settings) {
		this.settings = settings;
	}

	/** Extra settings as name-value pairs, e.g. {@code "CACHE_TTL_SECONDS", "1"}. */
	public static ApiUnderTest withSettings(String... settings) {
		return new ApiUnderTest(settings);
	}

	/** Test-only configuration classes to add to the application, such as {@link MissPathGate}. */
	public ApiUnderTest withSources(Class<?>... sources) {
		this.sources = sources;
		return this;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		this.redis = TestRedis.started();
		Map<String, String> all = RunningApp.settings(this.redis, TestDatabases.sqlite(), this.settings);
		this.app = RunningApp.start(all, this.sources);
	}

	@Override
	public void afterAll(ExtensionContext context) {
		this.app.close();
		this.redis.close();
	}

	public Api api() {
		return this.app.api();
	}

	public TestRedis redis() {
		return this.redis;
	}

	public RunningApp app() {
		return this.app;
	}

}
