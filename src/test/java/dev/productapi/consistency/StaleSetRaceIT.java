package dev.productapi.consistency;

import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.productapi.support.Api;
import dev.productapi.support.Api.Response;
import dev.productapi.support.ApiUnderTest;
import dev.productapi.support.MissPathGate;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The stale-set race, forced deterministically: a miss reads the old row, a write commits
 * and invalidates, then the miss tries to store what it read. With the lease protocol the
 * store is refused; with it switched off the same interleaving leaves the old row in
 * Redis for a whole TTL, which proves this test can see the bug.
 */
class StaleSetRaceIT {

	@RegisterExtension
	static final ApiUnderTest withLeases = ApiUnderTest.withSettings().withSources(MissPathGate.class);

	@RegisterExtension
	static final ApiUnderTest withoutLeases = ApiUnderTest
		.withSettings("product-api.cache.stale-set-protection", "false")
		.withSources(MissPathGate.class);

	@Test
	void withLeasesASlowMissCannotCacheARowOlderThanAConcurrentWrite() throws Exception {
		Api api = withLeases.api();
		String id = raceASlowMissAgainstAWrite(api);

		assertThat(withLeases.redis().commands().get("product:" + id)).as("what Redis holds after the race").isNull();
		assertThat(withLeases.app().counter("product.cache.stale.sets.prevented")).isEqualTo(1);
		assertThat(api.get("/products/" + id).body()).contains("\"price\":20.00");
		assertThat(api.get("/products/" + id).cache()).isEqualTo("HIT");
	}

	@Test
	void withoutLeasesTheSameRaceCachesTheOldRow() throws Exception {
		Api api = withoutLeases.api();
		String id = raceASlowMissAgainstAWrite(api);

		// The naive protocol: the old row sits in Redis and is served to everyone.
		assertThat(withoutLeases.redis().commands().get("product:" + id)).contains("\"price\":10.00");
		assertThat(api.get("/products/" + id).body()).contains("\"price\":10.00");
	}

	/**
	 * A miss reads price 10, then a PUT to 20 commits and invalidates, then the miss
	 * fills.
	 */
	private static String raceASlowMissAgainstAWrite(Api api) throws Exception {
		String id = api.create("Racer", "10.00", 1);
		MissPathGate.Gate gate = MissPathGate.arm();
		CompletableFuture<Response> slowRead = CompletableFuture.supplyAsync(() -> api.get("/products/" + id));
		gate.awaitRead();
		assertThat(api.put("/products/" + id, "{\"price\": 20.00}").status()).isEqualTo(200);
		gate.release();
		assertThat(slowRead.get().status()).isEqualTo(200);
		return id;
	}

}
