package dev.productapi.cache;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.productapi.support.Api;
import dev.productapi.support.Await;
import dev.productapi.support.RedisMonitor;
import dev.productapi.support.RunningApp;
import dev.productapi.support.TestDatabases;
import dev.productapi.support.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The optional near cache, on two instances sharing Redis and a database: reads are served
 * from memory, and a write on one instance evicts the other's copy through Redis's
 * client-side-caching invalidations.
 */
class NearCacheTest {

	private static TestRedis redis;

	private static RunningApp a;

	private static RunningApp b;

	@BeforeAll
	static void start() {
		redis = TestRedis.started();
		String database = TestDatabases.sqlite();
		a = RunningApp.start(redis, database, "CACHE_NEAR_ENABLED", "true");
		b = RunningApp.start(redis, database, "CACHE_NEAR_ENABLED", "true");
	}

	@AfterAll
	static void stop() {
		a.close();
		b.close();
		redis.close();
	}

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

		Await.until("instance A sees instance B's write", Duration.ofSeconds(2),
				() -> a.api().get(path).body().contains("\"price\":2.00"));
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
		Await.until("instance A drops its copy", Duration.ofSeconds(2), () -> api.get(path).body().contains("\"price\":3.00"));
		redis.start();

		awaitNearHit(path, "instance A tracks again and serves from memory");
		assertThat(api.get(path).body()).contains("\"price\":3.00");
	}

	private static void awaitNearHit(String path, String description) {
		Await.until(description, Duration.ofSeconds(15), () -> {
			double before = a.counter("product.cache.near.hits");
			a.api().get(path);
			return a.counter("product.cache.near.hits") > before;
		});
	}

}
