package dev.productapi.consistency;

import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.productapi.support.Api;
import dev.productapi.support.Api.Response;
import dev.productapi.support.MissPathGate;
import dev.productapi.support.RunningApp;
import dev.productapi.support.TestDatabases;
import dev.productapi.support.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stale-set race, forced deterministically: a miss reads the old row, a write commits and
 * invalidates, then the miss tries to store what it read. With the lease protocol the store is
 * refused; with it switched off the same interleaving leaves the old row in Redis for a whole
 * TTL, which proves this test can see the bug.
 */
class StaleSetRaceTest {

	private static TestRedis redis;

	@BeforeAll
	static void startRedis() {
		redis = TestRedis.started();
	}

	@AfterAll
	static void stopRedis() {
		redis.close();
	}

	@ParameterizedTest(name = "stale-set protection {0}")
	@ValueSource(booleans = { true, false })
	void aSlowMissCannotCacheARowOlderThanAConcurrentWrite(boolean protection) throws Exception {
		try (RunningApp app = RunningApp.start(RunningApp.settings(redis, TestDatabases.sqlite(),
				"product-api.cache.stale-set-protection", String.valueOf(protection)), MissPathGate.class)) {
			Api api = app.api();
			String id = api.create("Racer", "10.00", 1);
			String key = "product:" + id;

			MissPathGate.Gate gate = MissPathGate.arm();
			CompletableFuture<Response> slowRead = CompletableFuture.supplyAsync(() -> api.get("/products/" + id));
			gate.awaitRead();
			assertThat(api.put("/products/" + id, "{\"price\": 20.00}").status()).isEqualTo(200);
			gate.release();
			assertThat(slowRead.get().status()).isEqualTo(200);

			String cached = redis.commands().get(key);
			if (protection) {
				assertThat(cached).as("what Redis holds after the race").isNull();
				assertThat(app.counter("product.cache.stale.sets.prevented")).isEqualTo(1);
				assertThat(api.get("/products/" + id).body()).contains("\"price\":20.00");
				assertThat(api.get("/products/" + id).cache()).isEqualTo("HIT");
			}
			else {
				// The naive protocol: the old row sits in Redis and is served to everyone.
				assertThat(cached).contains("\"price\":10.00");
				assertThat(api.get("/products/" + id).body()).contains("\"price\":10.00");
			}
		}
	}

}
