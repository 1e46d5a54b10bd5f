package dev.productapi.cache;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.productapi.support.Api;
import dev.productapi.support.ApiUnderTest;
import dev.productapi.support.RedisMonitor;
import dev.productapi.support.RunningApp;
import dev.productapi.support.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The optional near cache, on two instances sharing Redis and a database: reads are
 * served from memory, and a write on one instance evicts the other's copy through Redis's
 * client-side-caching invalidations.
 */
class NearCacheCoherenceIT {

	@RegisterExtension
	static final ApiUnderTest app = ApiUnderTest.withSettings("CACHE_NEAR_ENABLED", "true").instances(2);

	private final RunningApp a = app.instance(0);

	private final RunningApp b = app.instance(1);

	private final TestRedis redis = app.redis();

	@Test
	void repeatedReadsAreServedFromMemoryUntilAnotherInstanceWrites() {
		String id = a.api().create("Near", "1.00", 1);
		String path = "/products/" + id;
		awaitNearHit(path, "instance A serves from its near cache");

		try (RedisMonitor monitor = RedisMonitor.start(redis)) {
			assertThat(a.api().get(path).cache()).isEqualTo("HIT");
			assertThat(monitor.commandsOn("product:" + id)).as("Redis commands for a near hit").isEmpty();
		}

		assertThat(b.api().put(path, "{\"price\": 2.00}").status()).isEqualTo(200);

		await("instance A sees instance B's write").atMost(Duration.ofSeconds(2))
			.until(() -> a.api().get(path).body().contains("\"price\":2.00"));
	}

	@Test
	void aLostConnectionEmptiesTheNearCache() {
		String id = a.api().create("Near 2", "1.00", 1);
		String path = "/products/" + id;
		awaitNearHit(path, "instance A serves from its near cache");

		redis.stop();
		// B's invalidation cannot reach Redis; A must not keep serving its copy.
		assertThat(b.api().put(path, "{\"price\": 3.00}").status()).isEqualTo(200);
		Api api = a.api();
		await("instance A drops its copy").atMost(Duration.ofSeconds(2))
			.until(() -> api.get(path).body().contains("\"price\":3.00"));
		redis.start();

		awaitNearHit(path, "instance A tracks again and serves from memory");
		assertThat(api.get(path).body()).contains("\"price\":3.00");
	}

	private void awaitNearHit(String path, String description) {
		await(description).atMost(Duration.ofSeconds(15)).until(() -> {
			double before = this.a.counter("product.cache.near.hits");
			this.a.api().get(path);
			return this.a.counter("product.cache.near.hits") > before;
		});
	}

}
