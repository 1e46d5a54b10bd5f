package dev.productapi.redis;

import java.util.LinkedHashMap;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import dev.productapi.config.InvalidSettingException;
import dev.productapi.support.TranslatedSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Where Redis is: one server, a Sentinel group or a Cluster, and never two of them.
 */
class RedisSettingsTest {

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
		assertThat(translate(Map.of("REDIS_SENTINEL_MASTER", "products", "REDIS_SENTINEL_NODES", "s1:26379, s2:26379",
				"REDIS_SENTINEL_PASSWORD", "sentinel-secret")))
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
			"REDIS_URL, redis://:pw@a:6379, REDIS_PASSWORD, other", "REDIS_URL, rediss://a:6379, REDIS_TLS, false" })
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
			.isThrownBy(() -> translate(Map.of("REDIS_CLUSTER_NODES", "r1:7000", "spring.data.redis.database", "2")))
			.withMessageContaining("database 0");
	}

	@Test
	void theReplicaAcknowledgementTimeoutFollowsTheCommandTimeout() {
		assertThat(translate(Map.of("REDIS_TIMEOUT_MS", "40")))
			.containsEntry("product-api.redis.replica-acknowledgement-timeout", "10ms");
	}

	private static Map<String, Object> translate(Map<String, Object> variables) {
		return TranslatedSettings.of(variables);
	}

}
