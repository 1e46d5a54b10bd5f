package dev.productapi.config;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.context.event.ApplicationContextInitializedEvent;
import org.springframework.boot.data.redis.autoconfigure.observation.LettuceObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.NoopTracerAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.otlp.OtlpTracingAutoConfiguration;
import org.springframework.context.ApplicationEvent;
import org.springframework.context.ApplicationListener;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static dev.productapi.config.Setting.API_PORT;
import static dev.productapi.config.Setting.API_REQUIRE_IF_MATCH;
import static dev.productapi.config.Setting.API_SHUTDOWN_DRAIN_SECONDS;
import static dev.productapi.config.Setting.API_WARMUP_SECONDS;
import static dev.productapi.config.Setting.API_WRITE_TOKEN;
import static dev.productapi.config.Setting.CACHE_NEAR_ENABLED;
import static dev.productapi.config.Setting.CACHE_NEAR_MAX_ENTRIES;
import static dev.productapi.config.Setting.CACHE_NEGATIVE_TTL_SECONDS;
import static dev.productapi.config.Setting.CACHE_TTL_JITTER_PERCENT;
import static dev.productapi.config.Setting.CACHE_TTL_SECONDS;
import static dev.productapi.config.Setting.DATABASE_PASSWORD;
import static dev.productapi.config.Setting.DATABASE_POOL_SIZE;
import static dev.productapi.config.Setting.DATABASE_TIMEOUT_MS;
import static dev.productapi.config.Setting.DATABASE_URL;
import static dev.productapi.config.Setting.DATABASE_USER;
import static dev.productapi.config.Setting.IDEMPOTENCY_KEY_TTL_SECONDS;
import static dev.productapi.config.Setting.LOG_FORMAT;
import static dev.productapi.config.Setting.OTEL_EXPORTER_OTLP_ENDPOINT;
import static dev.productapi.config.Setting.TRACING_SAMPLING_PROBABILITY;

/**
 * Translates the documented environment variables ({@code API_PORT},
 * {@code DATABASE_URL}, ...) into Spring properties, checking each one first.
 * <p>
 * Keeping the whole public configuration contract in one place means a bad value fails at
 * start-up with a message that names the variable the operator actually set, instead of a
 * binding error about an internal Spring property. Spring's own property names still work
 * and win, for anyone who prefers them.
 */
public class EnvironmentSettings implements EnvironmentPostProcessor {

	static final String PROPERTY_SOURCE_NAME = "productApiEnvironmentSettings";

	static final String TRACES_ENDPOINT = "management.opentelemetry.tracing.export.otlp.endpoint";

	/**
	 * Spring Boot's tracing, left out without an endpoint: no tracer, no handler that
	 * makes a span for every observation, no exemplar lookups, so a request costs what it
	 * did before tracing existed.
	 */
	private static final List<Class<?>> TRACING = List.of(MicrometerTracingAutoConfiguration.class,
			NoopTracerAutoConfiguration.class, OpenTelemetryTracingAutoConfiguration.class,
			OtlpTracingAutoConfiguration.class);

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		Variables variables = new Variables(environment);
		// The log format goes in first, on its own: a bad value of any other setting is
		// then reported in that format.
		addBelowTheEnvironment(environment, PROPERTY_SOURCE_NAME + "Logging", logging(variables));
		try {
			addBelowTheEnvironment(environment, PROPERTY_SOURCE_NAME, translate(variables));
		}
		catch (InvalidSettingException ex) {
			reportOnceLoggingIsSetUp(application, ex);
		}
	}

	/**
	 * Fails the start-up once the logging system is set up, which happens after every
	 * environment post-processor has run: thrown here, the failure analyzer's report
	 * would be printed by a logging system not yet configured, as plain text whatever
	 * {@code LOG_FORMAT} says. Without an application (a test of the translation alone),
	 * throws at once.
	 */
	public static void reportOnceLoggingIsSetUp(SpringApplication application, InvalidSettingException ex) {
		if (application == null) {
			throw ex;
		}
		application.addListeners(new ApplicationListener<ApplicationEvent>() {
			@Override
			public void onApplicationEvent(ApplicationEvent event) {
				if (event instanceof ApplicationContextInitializedEvent) {
					throw ex;
				}
			}
		});
	}

	static Map<String, Object> logging(Variables env) {
		Map<String, Object> properties = new LinkedHashMap<>();
		if (env.choice(LOG_FORMAT, "text", "json").equals("json")) {
			// Elastic Common Schema: one JSON object a line, which log shippers read as
			// it is.
			properties.put("logging.structured.format.console", "ecs");
		}
		return properties;
	}

	/**
	 * Adds translated properties just below the environment variables, so that Spring's
	 * own property names, set as variables, still win.
	 */
	public static void addBelowTheEnvironment(ConfigurableEnvironment environment, String name,
			Map<String, Object> properties) {
		environment.getPropertySources()
			.addAfter(StandardEnvironment.SYSTEM_ENVIRONMENT_PROPERTY_SOURCE_NAME,
					new MapPropertySource(name, properties));
	}

	static Map<String, Object> translate(Variables env) {
		Map<String, Object> properties = new LinkedHashMap<>();
		properties.put("server.port", env.integer(API_PORT));
		properties.put("product-api.require-if-match", env.bool(API_REQUIRE_IF_MATCH));
		putIfSet(properties, "product-api.write-token", writeToken(env));
		properties.put("product-api.idempotency.key-ttl", env.integer(IDEMPOTENCY_KEY_TTL_SECONDS) + "s");
		// Longer than a load balancer needs to see readiness fail (HAProxy in the compose
		// file's scale profile: two checks 2 s apart), shorter than the 10 s Docker waits
		// after SIGTERM before it kills the container.
		properties.put("product-api.shutdown.drain", env.integer(API_SHUTDOWN_DRAIN_SECONDS) + "s");
		properties.put("product-api.warm-up.limit", env.integer(API_WARMUP_SECONDS) + "s");

		properties.put("product-api.cache.ttl", env.integer(CACHE_TTL_SECONDS) + "s");
		properties.put("product-api.cache.ttl-jitter-percent", env.integer(CACHE_TTL_JITTER_PERCENT));
		properties.put("product-api.cache.near.enabled", env.bool(CACHE_NEAR_ENABLED));
		properties.put("product-api.cache.near.max-entries", env.integer(CACHE_NEAR_MAX_ENTRIES));
		properties.put("product-api.cache.negative-ttl", env.integer(CACHE_NEGATIVE_TTL_SECONDS) + "s");

		tracing(env, properties);

		DatabaseUrl database = env.database(DATABASE_URL);
		properties.put("spring.datasource.url", database.jdbcUrl());
		String user = env.text(DATABASE_USER.name(), database.username());
		String password = env.text(DATABASE_PASSWORD.name(), database.password());
		putIfSet(properties, "spring.datasource.username", user);
		putIfSet(properties, "spring.datasource.password", password);
		properties.put("spring.datasource.hikari.maximum-pool-size", env.integer(DATABASE_POOL_SIZE));
		databaseTimeouts(env.integer(DATABASE_TIMEOUT_MS), database, properties);
		if (database.isSqlite()) {
			// WAL lets readers run beside the single writer; IMMEDIATE takes the write
			// lock at BEGIN so two writers queue on busy_timeout instead of failing with
			// SQLITE_BUSY mid-transaction.
			String sqlite = "spring.datasource.hikari.data-source-properties.";
			properties.put(sqlite + "journal_mode", "WAL");
			properties.put(sqlite + "transaction_mode", "IMMEDIATE");
			createParentDirectory(database.sqliteFile());
		}
		else {
			// Migrations get a connection of their own, without those timeouts: building
			// an index on a large table takes as long as it takes.
			properties.put("spring.flyway.url", database.jdbcUrl());
			putIfSet(properties, "spring.flyway.user", user);
			putIfSet(properties, "spring.flyway.password", password);
		}
		return properties;
	}

	/**
	 * Tracing is on when an OTLP endpoint is set: {@code OTEL_EXPORTER_OTLP_ENDPOINT}
	 * (whose signal-specific form and Spring Boot's own property count too). Spans are
	 * sent over OTLP/HTTP to the endpoint's {@code /v1/traces}, as OpenTelemetry's SDKs
	 * do with that variable. Without an endpoint, tracing is left out altogether.
	 */
	private static void tracing(Variables env, Map<String, Object> properties) {
		String endpoint = otlpEndpoint(env);
		properties.put("management.tracing.sampling.probability", env.decimal(TRACING_SAMPLING_PROBABILITY));
		List<String> excluded = new ArrayList<>();
		// An observation per Redis command (a timer sample, tags and a context) was an
		// eighth of all allocation on the cache-hit path; the cache's own counters say
		// what operators need, and its spans what a trace needs.
		excluded.add(LettuceObservationAutoConfiguration.class.getName());
		if (endpoint != null) {
			properties.put(TRACES_ENDPOINT, endpoint + (endpoint.endsWith("/") ? "" : "/") + "v1/traces");
		}
		else if (!env.isSet(TRACES_ENDPOINT) && !env.isSet("OTEL_EXPORTER_OTLP_TRACES_ENDPOINT")) {
			// Nor do logs expect a trace id: their lines stay as they were.
			properties.put("management.tracing.export.enabled", false);
			TRACING.forEach((configuration) -> excluded.add(configuration.getName()));
		}
		properties.put("spring.autoconfigure.exclude", String.join(",", excluded));
	}

	private static String otlpEndpoint(Variables env) {
		String endpoint = env.text(OTEL_EXPORTER_OTLP_ENDPOINT);
		if (endpoint == null) {
			return null;
		}
		try {
			URI uri = URI.create(endpoint);
			if (("http".equals(uri.getScheme()) || "https".equals(uri.getScheme())) && uri.getHost() != null) {
				return endpoint;
			}
		}
		catch (IllegalArgumentException ex) {
			// reported below
		}
		throw InvalidSettingException.badValue(OTEL_EXPORTER_OTLP_ENDPOINT.name(), endpoint,
				"an http:// or https:// URL such as http://collector:4318", "none: no tracing");
	}

	/**
	 * Bounds every wait on the database by {@code DATABASE_TIMEOUT_MS}, so that a request
	 * the database cannot serve gets a 503 instead of queueing: the wait for a pooled
	 * connection, a transaction's statements (JDBC counts whole seconds, so rounded up),
	 * a statement outside a transaction, and, on PostgreSQL, connecting and every socket
	 * read, which is all that ends a wait on a server that stopped answering without
	 * closing its connections. On SQLite, the wait for the file's write lock.
	 */
	private static void databaseTimeouts(int millis, DatabaseUrl database, Map<String, Object> properties) {
		int seconds = (millis + 999) / 1000;
		properties.put("spring.datasource.hikari.connection-timeout", millis);
		// Checking a pooled connection before handing it out must fit in that wait.
		properties.put("spring.datasource.hikari.validation-timeout", Math.max(250, millis / 2));
		properties.put("spring.transaction.default-timeout", seconds + "s");
		properties.put("spring.jdbc.template.query-timeout", seconds + "s");
		String driver = "spring.datasource.hikari.data-source-properties.";
		if (database.isSqlite()) {
			properties.put(driver + "busy_timeout", String.valueOf(millis));
		}
		else {
			properties.put(driver + "connectTimeout", String.valueOf(seconds));
			properties.put(driver + "socketTimeout", String.valueOf(seconds));
		}
	}

	/**
	 * A token clients can send as it is (RFC 6750's b64token), and too long to guess. Its
	 * value never appears in an error.
	 */
	static String writeToken(Variables env) {
		String token = env.text(API_WRITE_TOKEN);
		if (token != null && !token.matches("[A-Za-z0-9._~+/-]{16,}=*")) {
			throw InvalidSettingException.unusable("API_WRITE_TOKEN",
					"must be at least 16 characters from A-Z, a-z, 0-9 and -._~+/ (its value is not shown)",
					"Set API_WRITE_TOKEN to a random value, e.g. the output of: openssl rand -hex 32");
		}
		return token;
	}

	public static void putIfSet(Map<String, Object> properties, String name, Object value) {
		if (value != null) {
			properties.put(name, value);
		}
	}

	private static void createParentDirectory(Path file) {
		if (file == null || file.toAbsolutePath().getParent() == null) {
			return;
		}
		try {
			Files.createDirectories(file.toAbsolutePath().getParent());
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot create the directory for the SQLite database " + file, ex);
		}
	}

}
