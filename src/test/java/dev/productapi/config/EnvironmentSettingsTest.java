package dev.productapi.config;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import dev.productapi.support.RunningApp;
import dev.productapi.support.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * The documented environment variables, their defaults, and the errors bad values
 * produce.
 */
class EnvironmentSettingsTest {

	@Test
	void defaults() {
		Map<String, Object> properties = translate(Map.of());

		assertThat(properties).containsEntry("server.port", 8080)
			.containsEntry("spring.data.redis.host", "localhost")
			.containsEntry("spring.data.redis.port", 6379)
			.containsEntry("spring.data.redis.timeout", "200ms")
			.containsEntry("spring.data.redis.connect-timeout", "500ms")
			.containsEntry("spring.data.redis.ssl.enabled", false)
			.containsEntry("product-api.cache.ttl", "3600s")
			.containsEntry("product-api.cache.ttl-jitter-percent", 10)
			.containsEntry("product-api.cache.negative-ttl", "30s")
			.containsEntry("product-api.cache.near.enabled", false)
			.containsEntry("spring.datasource.url", DatabaseUrl.DEFAULT)
			.containsEntry("spring.datasource.hikari.data-source-properties.journal_mode", "WAL")
			.doesNotContainKeys("spring.data.redis.password", "spring.datasource.username");
	}

	@Test
	void everyVariableIsTranslated() {
		Map<String, Object> properties = translate(
				Map.of("API_PORT", "9090", "REDIS_HOST", "cache.internal", "REDIS_PORT", "6380", "REDIS_PASSWORD",
						"secret", "REDIS_TLS", "true", "REDIS_TIMEOUT_MS", "50", "CACHE_TTL_SECONDS", "60",
						"DATABASE_URL", "postgresql://app:pw@db:5432/products", "DATABASE_POOL_SIZE", "20"));

		assertThat(properties).containsEntry("server.port", 9090)
			.containsEntry("spring.data.redis.host", "cache.internal")
			.containsEntry("spring.data.redis.port", 6380)
			.containsEntry("spring.data.redis.password", "secret")
			.containsEntry("spring.data.redis.ssl.enabled", true)
			.containsEntry("spring.data.redis.timeout", "50ms")
			.containsEntry("product-api.cache.ttl", "60s")
			.containsEntry("spring.datasource.url", "jdbc:postgresql://db:5432/products")
			.containsEntry("spring.datasource.username", "app")
			.containsEntry("spring.datasource.password", "pw")
			.containsEntry("spring.datasource.hikari.maximum-pool-size", 20)
			.doesNotContainKey("spring.datasource.hikari.data-source-properties.journal_mode");
	}

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource({ "API_PORT, abc", "API_PORT, 70000", "REDIS_PORT, 0", "CACHE_TTL_SECONDS, -5", "CACHE_TTL_SECONDS, 0",
			"REDIS_TIMEOUT_MS, x", "REDIS_TLS, maybe", "CACHE_TTL_JITTER_PERCENT, 80", "DATABASE_URL, mysql://x/y",
			"DATABASE_POOL_SIZE, 0" })
	void aBadValueIsRejectedNamingTheVariable(String variable, String value) {
		assertThatExceptionOfType(InvalidSettingException.class).isThrownBy(() -> translate(Map.of(variable, value)))
			.withMessageStartingWith(variable + " is '" + value + "', but must be")
			.satisfies((ex) -> assertThat(ex.variable()).isEqualTo(variable));
	}

	@Test
	void passwordsNeverAppearInErrors() {
		assertThatThrownBy(() -> translate(Map.of("DATABASE_URL", "postgresql://app:hunter2@")))
			.hasMessageNotContaining("hunter2");
	}

	@Test
	void theApplicationRefusesToStartWithABadSetting() {
		assertThatThrownBy(
				() -> RunningApp.start(Map.of("CACHE_TTL_SECONDS", "-5", "DATABASE_URL", TestDatabases.sqlite())))
			.isInstanceOf(InvalidSettingException.class)
			.hasMessageContaining("CACHE_TTL_SECONDS");
	}

	private static Map<String, Object> translate(Map<String, Object> variables) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("test", variables));
		return EnvironmentSettings.translate(new EnvironmentSettings.Variables(environment));
	}

}
