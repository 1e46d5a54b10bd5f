package dev.productapi.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.context.ConfigurableApplicationContext;

import dev.productapi.ProductApiApplication;

/**
 * The whole application, started the way an operator starts it: configured only through
 * the documented environment variables (passed as arguments, which Spring reads the same
 * way), listening on a real port. Several may run at once against the same Redis and
 * database.
 */
public final class RunningApp implements AutoCloseable {

	private final ConfigurableApplicationContext context;

	private final Api api;

	private RunningApp(ConfigurableApplicationContext context) {
		this.context = context;
		this.api = new Api(((WebServerApplicationContext) context).getWebServer().getPort());
	}

	/**
	 * Settings are environment variables such as {@code DATABASE_URL} (or Spring
	 * properties); {@code API_PORT} defaults to a free port and
	 * {@code API_SHUTDOWN_DRAIN_SECONDS} to 0. Extra sources add test-only beans.
	 */
	public static RunningApp start(Map<String, String> settings, Class<?>... extraSources) {
		Map<String, String> all = new LinkedHashMap<>();
		all.put("API_PORT", "0");
		// No shutdown drain unless a test asks for one: there is no load balancer to wait
		// for, and every test class would pay the delay at each close.
		all.put("API_SHUTDOWN_DRAIN_SECONDS", "0");
		// Nor a warm-up: tests want an instance at once, and test the warm-up on its own.
		all.put("API_WARMUP_SECONDS", "0");
		all.putAll(settings);
		List<String> args = new ArrayList<>();
		all.forEach((name, value) -> args.add("--" + name + "=" + value));
		Class<?>[] sources = new Class<?>[extraSources.length + 1];
		sources[0] = ProductApiApplication.class;
		System.arraycopy(extraSources, 0, sources, 1, extraSources.length);
		return new RunningApp(SpringApplication.run(sources, args.toArray(String[]::new)));
	}

	public static RunningApp start(TestRedis redis, String databaseUrl, String... extraSettings) {
		return start(settings(redis, databaseUrl, extraSettings));
	}

	/** Settings for Redis and a database, plus name-value pairs. */
	public static Map<String, String> settings(TestRedis redis, String databaseUrl, String... extraSettings) {
		Map<String, String> settings = new LinkedHashMap<>();
		settings.put("REDIS_PORT", String.valueOf(redis.port()));
		settings.putAll(settings(databaseUrl, extraSettings));
		return settings;
	}

	/** Settings for a database, plus name-value pairs. */
	static Map<String, String> settings(String databaseUrl, String... extraSettings) {
		Map<String, String> settings = new LinkedHashMap<>();
		settings.put("DATABASE_URL", databaseUrl);
		for (int i = 0; i < extraSettings.length; i += 2) {
			settings.put(extraSettings[i], extraSettings[i + 1]);
		}
		return settings;
	}

	public double counter(String name, String... tags) {
		return bean(MeterRegistry.class).counter(name, tags).count();
	}

	public double gauge(String name) {
		return bean(MeterRegistry.class).get(name).gauge().value();
	}

	/**
	 * The number of committed writes whose cache invalidation Redis has not confirmed
	 * yet.
	 */
	public long pendingInvalidations() {
		return (long) gauge("product.cache.invalidations.pending");
	}

	public Api api() {
		return this.api;
	}

	public <T> T bean(Class<T> type) {
		return this.context.getBean(type);
	}

	/** The names of the beans of this type: none if the application has none. */
	public String[] beanNames(Class<?> type) {
		return this.context.getBeanNamesForType(type);
	}

	@Override
	public void close() {
		this.context.close();
	}

}
