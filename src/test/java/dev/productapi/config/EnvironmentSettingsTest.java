package dev.productapi.config;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.productapi.support.TranslatedSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The documented environment variables, their defaults, and the errors bad values
 * produce. That the application itself refuses to start with a bad value:
 * {@link EnvironmentSettingsIT}.
 */
class EnvironmentSettingsTest {

	@Test
	void defaults() {
		Map<String, Object> properties = translate(Map.of());

		assertThat(properties).containsEntry("server.port", 8080)
			.containsEntry("product-api.shutdown.drain", "5s")
			.containsEntry("spring.data.redis.timeout", "200ms")
			.containsEntry("spring.data.redis.connect-timeout", "500ms")
			.containsEntry("product-api.redis.replica-acknowledgement-timeout", "50ms")
			.containsEntry("product-api.cache.ttl", "3600s")
			.containsEntry("product-api.cache.ttl-jitter-percent", 10)
			.containsEntry("product-api.cache.negative-ttl", "30s")
			.containsEntry("product-api.cache.near.enabled", false)
			.containsEntry("spring.datasource.url", DatabaseUrl.DEFAULT)
			.containsEntry("spring.datasource.hikari.data-source-properties.journal_mode", "WAL")
			.doesNotContainKeys("spring.data.redis.password", "spring.datasource.username");
		// Spring Boot's own defaults apply: localhost:6379, no TLS.
		assertThat(properties).doesNotContainKeys("spring.data.redis.host", "spring.data.redis.port",
				"spring.data.redis.url", "spring.data.redis.ssl.enabled");
	}

	@Test
	void everyVariableIsTranslated() {
		Map<String, Object> properties = translate(Map.of("API_PORT", "9090", "API_SHUTDOWN_DRAIN_SECONDS", "0",
				"REDIS_HOST", "cache.internal", "REDIS_PORT", "6380", "REDIS_PASSWORD", "secret", "REDIS_TLS", "true",
				"REDIS_TIMEOUT_MS", "50", "CACHE_TTL_SECONDS", "60", "DATABASE_URL",
				"postgresql://app:pw@db:5432/products", "DATABASE_POOL_SIZE", "25"));

		assertThat(properties).containsEntry("server.port", 9090)
			.containsEntry("product-api.shutdown.drain", "0s")
			.containsEntry("spring.data.redis.host", "cache.internal")
			.containsEntry("spring.data.redis.port", 6380)
			.containsEntry("spring.data.redis.password", "secret")
			.containsEntry("spring.data.redis.ssl.enabled", true)
			.containsEntry("spring.data.redis.timeout", "50ms")
			.containsEntry("product-api.cache.ttl", "60s")
			.containsEntry("spring.datasource.url", "jdbc:postgresql://db:5432/products")
			.containsEntry("spring.datasource.username", "app")
			.containsEntry("spring.datasource.password", "pw")
			.containsEntry("spring.datasource.hikari.maximum-pool-size", 25)
			.doesNotContainKey("spring.datasource.hikari.data-source-properties.journal_mode");
	}

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource({ "API_PORT, abc", "API_PORT, 70000", "REDIS_PORT, 0", "CACHE_TTL_SECONDS, -5", "CACHE_TTL_SECONDS, 0",
			"REDIS_TIMEOUT_MS, x", "REDIS_TLS, maybe", "CACHE_TTL_JITTER_PERCENT, 80", "DATABASE_URL, mysql://x/y",
			"DATABASE_POOL_SIZE, 0", "DATABASE_TIMEOUT_MS, 100", "API_SHUTDOWN_DRAIN_SECONDS, -1",
			"API_SHUTDOWN_DRAIN_SECONDS, 301" })
	void aBadValueIsRejectedNamingTheVariable(String variable, String value) {
		assertThatExceptionOfType(InvalidSettingException.class).isThrownBy(() -> translate(Map.of(variable, value)))
			.withMessageStartingWith(variable + " is '" + value + "', but must be")
			.satisfies((ex) -> assertThat(ex.variable()).isEqualTo(variable));
	}

	@Test
	void databaseTimeoutMsBoundsEveryWaitOnTheDatabase() {
		assertThat(translate(Map.of("DATABASE_TIMEOUT_MS", "1500")))
			.containsEntry("spring.datasource.hikari.connection-timeout", 1500)
			.containsEntry("spring.datasource.hikari.validation-timeout", 750)
			.containsEntry("spring.transaction.default-timeout", "2s")
			.containsEntry("spring.jdbc.template.query-timeout", "2s")
			.containsEntry("spring.datasource.hikari.data-source-properties.busy_timeout", "1500");
		assertThat(translate(Map.of("DATABASE_URL", "postgresql://app:pw@db:5432/products")))
			.containsEntry("spring.datasource.hikari.connection-timeout", 2000)
			.containsEntry("spring.datasource.hikari.data-source-properties.socketTimeout", "2")
			.containsEntry("spring.datasource.hikari.data-source-properties.connectTimeout", "2")
			.containsEntry("spring.flyway.url", "jdbc:postgresql://db:5432/products")
			.containsEntry("spring.flyway.user", "app");
	}

	@Test
	void passwordsNeverAppearInErrors() {
		assertThatThrownBy(() -> translate(Map.of("DATABASE_URL", "postgresql://app:hunter2@")))
			.hasMessageNotContaining("hunter2");
	}

	@Test
	void idempotencyKeysLive24HoursUnlessIdempotencyKeyTtlSecondsSaysOtherwise() {
		assertThat(translate(Map.of())).containsEntry("product-api.idempotency.key-ttl", "86400s");
		assertThat(translate(Map.of("IDEMPOTENCY_KEY_TTL_SECONDS", "3600")))
			.containsEntry("product-api.idempotency.key-ttl", "3600s");
	}

	@ParameterizedTest(name = "IDEMPOTENCY_KEY_TTL_SECONDS={0}")
	@ValueSource(strings = { "59", "2592001", "1d" })
	void anIdempotencyKeyTtlOutOfRangeIsRejected(String value) {
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> translate(Map.of("IDEMPOTENCY_KEY_TTL_SECONDS", value)))
			.withMessage(
					"IDEMPOTENCY_KEY_TTL_SECONDS is '" + value + "', but must be a whole number from 60 to 2592000");
	}

	@Test
	void writesAreOpenUnlessApiWriteTokenIsSet() {
		assertThat(translate(Map.of())).doesNotContainKey("product-api.write-token");
		assertThat(translate(Map.of("API_WRITE_TOKEN", " "))).doesNotContainKey("product-api.write-token");
		assertThat(translate(Map.of("API_WRITE_TOKEN", "0123456789abcdef-._~+/AZ==")))
			.containsEntry("product-api.write-token", "0123456789abcdef-._~+/AZ==");
	}

	@ParameterizedTest(name = "API_WRITE_TOKEN={0}")
	@ValueSource(strings = { "short-secret", "sixteen chars with spaces", "0123456789abcdef\"", "=0123456789abcdef" })
	void aWriteTokenThatIsShortOrNotABearerTokenIsRejectedWithoutShowingIt(String token) {
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> translate(Map.of("API_WRITE_TOKEN", token)))
			.withMessageStartingWith("API_WRITE_TOKEN must be at least 16 characters")
			.withMessageNotContaining(token)
			.satisfies((ex) -> assertThat(ex.variable()).isEqualTo("API_WRITE_TOKEN"));
	}

	@Test
	void withoutAnOtlpEndpointTracingIsLeftOutAndLogsExpectNoTraceId() {
		Map<String, Object> properties = translate(Map.of());

		assertThat(properties).containsEntry("management.tracing.export.enabled", false)
			.doesNotContainKey(EnvironmentSettings.TRACES_ENDPOINT);
		assertThat((String) properties.get("spring.autoconfigure.exclude")).contains("LettuceObservation")
			.contains("MicrometerTracingAutoConfiguration")
			.contains("OpenTelemetryTracingAutoConfiguration");
	}

	@ParameterizedTest(name = "OTEL_EXPORTER_OTLP_ENDPOINT={0}")
	@ValueSource(strings = { "http://collector:4318", "http://collector:4318/" })
	void anOtlpEndpointSendsSpansToItsTracesPath(String endpoint) {
		Map<String, Object> properties = translate(
				Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", endpoint, "TRACING_SAMPLING_PROBABILITY", "0.25"));

		assertThat(properties).containsEntry(EnvironmentSettings.TRACES_ENDPOINT, "http://collector:4318/v1/traces")
			.containsEntry("management.tracing.sampling.probability", 0.25)
			.doesNotContainKey("management.tracing.export.enabled");
		assertThat((String) properties.get("spring.autoconfigure.exclude")).contains("LettuceObservation")
			.doesNotContain("Tracing");
	}

	@Test
	void tracingSamplesATenthOfRequestsByDefault() {
		assertThat(translate(Map.of())).containsEntry("management.tracing.sampling.probability", 0.1);
	}

	@ParameterizedTest(name = "TRACING_SAMPLING_PROBABILITY={0}")
	@ValueSource(strings = { "-0.1", "1.5", "ten", "NaN" })
	void aSamplingProbabilityOutsideZeroToOneIsRejected(String value) {
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> translate(Map.of("TRACING_SAMPLING_PROBABILITY", value)))
			.withMessageStartingWith(
					"TRACING_SAMPLING_PROBABILITY is '" + value + "', but must be a number from 0 to 1");
	}

	@ParameterizedTest(name = "OTEL_EXPORTER_OTLP_ENDPOINT={0}")
	@ValueSource(strings = { "collector:4318", "ftp://collector", "http://" })
	void anOtlpEndpointThatIsNotAnHttpUrlIsRejected(String value) {
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> translate(Map.of("OTEL_EXPORTER_OTLP_ENDPOINT", value)))
			.withMessageStartingWith(
					"OTEL_EXPORTER_OTLP_ENDPOINT is '" + value + "', but must be an http:// or https:// URL");
	}

	@Test
	void logsAreTextUnlessLogFormatIsJson() {
		assertThat(translate(Map.of())).doesNotContainKey("logging.structured.format.console");
		assertThat(translate(Map.of("LOG_FORMAT", "text"))).doesNotContainKey("logging.structured.format.console");
		assertThat(translate(Map.of("LOG_FORMAT", "JSON"))).containsEntry("logging.structured.format.console", "ecs");
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> translate(Map.of("LOG_FORMAT", "xml")))
			.withMessage("LOG_FORMAT is 'xml', but must be one of text, json");
	}

	private static Map<String, Object> translate(Map<String, Object> variables) {
		return TranslatedSettings.of(variables);
	}

}
