package dev.productapi.config;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

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
			.containsEntry("product-api.shutdown.drain", "5s")
			.containsEntry("spring.data.redis.timeout", "200ms")
			.containsEntry("spring.data.redis.connect-timeout", "500ms")
			.containsEntry("product-api.cache.replica-acknowledgement-timeout", "50ms")
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
	void theApplicationRefusesToStartWithABadSetting() {
		assertThatThrownBy(
				() -> RunningApp.start(Map.of("CACHE_TTL_SECONDS", "-5", "DATABASE_URL", TestDatabases.sqlite())))
			.isInstanceOf(InvalidSettingException.class)
			.hasMessageContaining("CACHE_TTL_SECONDS");
	}

	/**
	 * Where Redis is: one server, a Sentinel group or a Cluster, and never two of them.
	 */
	@Nested
	class RedisTopology {

		@Test
		void aRedisUrlIsSpringsUrl() {
			assertThat(translate(Map.of("REDIS_URL", "rediss://app:secret@cache:6380/2")))
				.containsEntry("spring.data.redis.url", "rediss://app:secret@cache:6380/2");
		}

		@Test
		void aSentinelUrlNamesTheMasterTheSentinelsAndTheServersPassword() {
			assertThat(translate(Map.of("REDIS_URL", "rediss-sentinel://s%40cret@s1:26379,s2:26380/3#products")))
				.containsEntry("spring.data.redis.sentinel.master", "products")
				.containsEntry("spring.data.redis.sentinel.nodes", "s1:26379,s2:26380")
				.containsEntry("spring.data.redis.database", 3)
				.containsEntry("spring.data.redis.password", "s@cret")
				.containsEntry("spring.data.redis.ssl.enabled", true)
				.doesNotContainKey("spring.data.redis.url");
		}

		@Test
		void sentinelVariables() {
			assertThat(translate(Map.of("REDIS_SENTINEL_MASTER", "products", "REDIS_SENTINEL_NODES",
					"s1:26379, s2:26379", "REDIS_SENTINEL_PASSWORD", "sentinel-secret")))
				.containsEntry("spring.data.redis.sentinel.master", "products")
				.containsEntry("spring.data.redis.sentinel.nodes", "s1:26379,s2:26379")
				.containsEntry("spring.data.redis.sentinel.password", "sentinel-secret");
		}

		@Test
		void clusterSeedNodes() {
			assertThat(translate(Map.of("REDIS_CLUSTER_NODES", "r1:7000,r2:7001,r3:7002")))
				.containsEntry("spring.data.redis.cluster.nodes", "r1:7000,r2:7001,r3:7002");
		}

		@ParameterizedTest(name = "{0} and {2}")
		@CsvSource({ "REDIS_URL, redis://a:6379, REDIS_HOST, b", "REDIS_URL, redis://a:6379, REDIS_CLUSTER_NODES, b:1",
				"REDIS_HOST, a, REDIS_SENTINEL_MASTER, m", "REDIS_SENTINEL_NODES, a:1, REDIS_CLUSTER_NODES, b:1",
				"REDIS_PORT, 6380, spring.data.redis.cluster.nodes, b:1",
				"REDIS_CLUSTER_NODES, a:1, spring.data.redis.url, redis://b:6379",
				"spring.data.redis.sentinel.master, m, spring.data.redis.cluster.nodes, b:1",
				"REDIS_URL, redis://:pw@a:6379, REDIS_PASSWORD, other",
				"REDIS_URL, rediss://a:6379, REDIS_TLS, false" })
		void twoSettingsThatContradictEachOtherStopStartUpNamingBoth(String first, String firstValue, String second,
				String secondValue) {
			Map<String, Object> variables = new LinkedHashMap<>();
			variables.put(first, firstValue);
			variables.put(second, secondValue);
			if (first.equals("REDIS_SENTINEL_NODES")) {
				variables.put("REDIS_SENTINEL_MASTER", "m");
			}
			if (second.equals("REDIS_SENTINEL_MASTER")) {
				variables.put("REDIS_SENTINEL_NODES", "s:26379");
			}

			assertThatExceptionOfType(InvalidSettingException.class).isThrownBy(() -> translate(variables))
				.withMessageContaining(" and ")
				.withMessageContaining(first.startsWith("REDIS_SENTINEL") ? "REDIS_SENTINEL" : first)
				.withMessageContaining(second.startsWith("REDIS_SENTINEL") ? "REDIS_SENTINEL" : second)
				.withMessageNotContaining("pw");
		}

		@ParameterizedTest(name = "{0}={1}")
		@CsvSource({ "REDIS_URL, http://cache:6379", "REDIS_URL, redis-sentinel://s1:26379",
				"REDIS_URL, redis://cache:6379#master", "REDIS_URL, redis://cache:6379?timeout=5s",
				"REDIS_CLUSTER_NODES, r1", "REDIS_CLUSTER_NODES, 'r1:7000,r2:70000'", "REDIS_SENTINEL_MASTER, m",
				"REDIS_SENTINEL_PASSWORD, secret", "REDIS_REPLICA_ACK_TIMEOUT_MS, 200",
				"spring.data.redis.masterreplica.nodes, r1:6379", "spring.data.redis.lettuce.read-from, replica",
				"spring.data.redis.client-type, jedis" })
		void aSettingTheCacheCannotHonourStopsStartUpNamingIt(String setting, String value) {
			assertThatExceptionOfType(InvalidSettingException.class).isThrownBy(() -> translate(Map.of(setting, value)))
				.withMessageStartingWith(setting)
				.withMessageNotContaining("secret");
		}

		@Test
		void aClusterHasOnlyDatabaseZero() {
			assertThatExceptionOfType(InvalidSettingException.class)
				.isThrownBy(
						() -> translate(Map.of("REDIS_CLUSTER_NODES", "r1:7000", "spring.data.redis.database", "2")))
				.withMessageContaining("database 0");
		}

		@Test
		void theReplicaAcknowledgementTimeoutFollowsTheCommandTimeout() {
			assertThat(translate(Map.of("REDIS_TIMEOUT_MS", "40")))
				.containsEntry("product-api.cache.replica-acknowledgement-timeout", "10ms");
		}

	}

	private static Map<String, Object> translate(Map<String, Object> variables) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("test", variables));
		return EnvironmentSettings.translate(new EnvironmentSettings.Variables(environment));
	}

}
