package dev.productapi.cache;

import java.util.HashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.lettuce.core.api.sync.RedisCommands;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.productapi.support.Api;
import dev.productapi.support.Api.Response;
import dev.productapi.support.ApiUnderTest;
import dev.productapi.support.RedisCommandCounts;
import dev.productapi.support.RedisMonitor;
import dev.productapi.support.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cache-aside protocol, observed in Redis itself: which keys exist, with what value
 * and TTL, and which commands the API sent (the picture {@code redis-cli monitor} shows).
 */
class CacheAsideIT {

	private static final long TTL_SECONDS = 600;

	private static final int NEGATIVE_TTL_SECONDS = 30;

	@RegisterExtension
	static final ApiUnderTest app = ApiUnderTest.withSettings("CACHE_TTL_SECONDS", String.valueOf(TTL_SECONDS));

	private final Api api = app.api();

	private final TestRedis redis = app.redis();

	private final RedisCommands<String, String> inRedis = this.redis.commands();

	@Test
	void aMissIsGetThenSetOfTheJsonWithTheTtl() {
		String id = api.create("Lamp", "29.99", 5);
		String key = "product:" + id;

		try (RedisMonitor monitor = RedisMonitor.start(redis)) {
			Response response = api.get("/products/" + id);

			assertThat(response.cache()).isEqualTo("MISS");
			List<String> commands = monitor.commandsOn(key);
			assertThat(commands.getFirst()).isEqualTo("GET");
			assertThat(commands).contains("SET").doesNotContain("DEL");
			List<String> lastSet = monitor.commandsWithArgsOn(key)
				.reversed()
				.stream()
				.filter((command) -> command.getFirst().equals("SET"))
				.findFirst()
				.orElseThrow();
			assertThat(lastSet.get(3)).isEqualTo("EX");
			assertThat(inRedis.get(key)).isEqualTo(response.body());
		}
		// Jitter shortens the TTL by up to 10 %, never lengthens it.
		assertThat(inRedis.ttl(key)).isBetween(TTL_SECONDS * 9 / 10 - 5, TTL_SECONDS);
	}

	@Test
	void aHitIsASingleGetAndServesTheCachedJson() {
		String id = api.create("Chair", "120.00", 2);
		Response miss = api.get("/products/" + id);

		try (RedisMonitor monitor = RedisMonitor.start(redis)) {
			Response hit = api.get("/products/" + id);

			assertThat(hit.status()).isEqualTo(200);
			assertThat(hit.cache()).isEqualTo("HIT");
			assertThat(hit.body()).isEqualTo(miss.body());
			assertThat(monitor.commandsOn("product:" + id)).containsExactly("GET");
		}
	}

	@Test
	void ttlsAreJitteredSoEntriesWrittenTogetherDoNotExpireTogether() {
		Set<Long> ttls = new HashSet<>();
		for (int i = 0; i < 20; i++) {
			String id = api.create("Jitter " + i, "1.00", 1);
			api.get("/products/" + id);
			ttls.add(inRedis.ttl("product:" + id));
		}

		assertThat(ttls).hasSizeGreaterThan(5)
			.allSatisfy((ttl) -> assertThat(ttl).isBetween(TTL_SECONDS * 9 / 10 - 5, TTL_SECONDS));
	}

	@Test
	void aHitServesWhatRedisHoldsWithoutTouchingTheDatabase() {
		String id = api.create("Table", "300.00", 1);
		api.get("/products/" + id);
		String planted = "{\"id\":\"" + id
				+ "\",\"name\":\"from-redis\",\"description\":null,\"price\":1.00,\"stock_quantity\":0,\"version\":7}";
		inRedis.set("product:" + id, planted);

		Response hit = api.get("/products/" + id);

		assertThat(hit.cache()).isEqualTo("HIT");
		assertThat(hit.body()).isEqualTo(planted);
		assertThat(hit.etag()).isEqualTo("\"7\"");
	}

	@Test
	void aPutIsASingleDelAndTheNextReadSeesTheUpdate() {
		String id = api.create("Sofa", "999.00", 1);
		api.get("/products/" + id);
		assertThat(inRedis.exists("product:" + id)).isEqualTo(1);

		try (RedisMonitor monitor = RedisMonitor.start(redis)) {
			api.put("/products/" + id, "{\"price\": 899.00}");
			assertThat(monitor.commandsOn("product:" + id)).containsExactly("DEL");
		}

		assertThat(inRedis.exists("product:" + id)).isZero();
		Response next = api.get("/products/" + id);
		assertThat(next.cache()).isEqualTo("MISS");
		assertThat(next.body()).contains("\"price\":899.00");
	}

	@Test
	void deleteInvalidatesTheKey() {
		String id = api.create("Rug", "45.00", 3);
		api.get("/products/" + id);

		api.delete("/products/" + id);

		assertThat(inRedis.exists("product:" + id)).isZero();
		assertThat(api.get("/products/" + id).status()).isEqualTo(404);
	}

	@Test
	void postInvalidatesTheNewKey() {
		RedisCommandCounts before = RedisCommandCounts.of(redis);

		String id = api.create("Shelf", "60.00", 4);

		assertThat(RedisCommandCounts.of(redis).since(before)).isEqualTo(Map.of("del", 1L));
		assertThat(inRedis.exists("product:" + id)).isZero();
	}

	@Test
	void failedWritesLeaveTheCacheAlone() {
		String id = api.create("Vase", "15.00", 6);
		api.get("/products/" + id);
		RedisCommandCounts before = RedisCommandCounts.of(redis);

		api.put("/products/" + id, "{\"price\": -1}");

		assertThat(RedisCommandCounts.of(redis).since(before)).isEmpty();
		assertThat(api.get("/products/" + id).cache()).isEqualTo("HIT");
	}

	@Test
	void unknownIdsAreCachedBrieflyAsAbsent() {
		String unknown = "6f1c7a52-30a4-4bd4-8f0e-2a8b7e2f0c11";
		double readsBefore = app.app().counter("product.db.reads");

		for (int i = 0; i < 5; i++) {
			assertThat(api.get("/products/" + unknown).status()).isEqualTo(404);
		}

		assertThat(app.app().counter("product.db.reads") - readsBefore).isEqualTo(1);
		assertThat(inRedis.ttl("product:" + unknown)).isBetween(1L, (long) NEGATIVE_TTL_SECONDS);
	}

}
