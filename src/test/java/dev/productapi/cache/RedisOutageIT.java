package dev.productapi.cache;

import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.productapi.support.Api;
import dev.productapi.support.Api.Response;
import dev.productapi.support.ApiUnderTest;
import dev.productapi.support.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Redis stopped, frozen or restarted under a running API: every endpoint keeps answering
 * from the database, no request waits on Redis longer than the command timeout, and
 * caching resumes by itself.
 */
class RedisOutageIT {

	private static final int REDIS_TIMEOUT_MS = 200;

	/**
	 * The timeout, plus room for a loaded CI machine; far below Lettuce's 60 s default.
	 */
	private static final long BUDGET_MS = REDIS_TIMEOUT_MS + 800;

	@RegisterExtension
	static final ApiUnderTest app = ApiUnderTest.withSettings("REDIS_TIMEOUT_MS", String.valueOf(REDIS_TIMEOUT_MS));

	private final Api api = app.api();

	private final TestRedis redis = app.redis();

	@AfterEach
	void redisIsBack() {
		redis.thawIfFrozen();
		redis.start();
		awaitCaching();
	}

	@Test
	void everyEndpointWorksWhileRedisIsStoppedAndCachingResumesAfter() {
		String id = api.create("Kettle", "39.00", 10);
		api.get("/products/" + id);

		redis.stop();

		Response read = timed(() -> api.get("/products/" + id));
		assertThat(read.status()).isEqualTo(200);
		assertThat(read.cache()).isEqualTo("BYPASS");
		assertThat(app.app().gauge("product.cache.breaker.open")).isEqualTo(1);
		String created = api.create("Toaster", "25.00", 4);
		assertThat(api.put("/products/" + id, "{\"stock_quantity\": 9}").status()).isEqualTo(200);
		assertThat(api.get("/products/" + id).json().get("stock_quantity").asInt()).isEqualTo(9);
		assertThat(api.delete("/products/" + created).status()).isEqualTo(204);
		assertThat(api.get("/products/" + created).status()).isEqualTo(404);
		assertThat(api.get("/health").json().get("redis").asString()).isEqualTo("unavailable");
		assertThat(api.get("/actuator/health").json().get("status").asString()).isEqualTo("UP");

		redis.start();
		awaitCaching();
		// The writes made while Redis was down stay pending (read from the database)
		// until the outbox task has delivered their invalidations.
		await("the outbox drains").atMost(Duration.ofSeconds(5)).until(() -> app.app().pendingInvalidations() == 0);

		// The restarted Redis is empty: one miss refills it, then reads hit again.
		assertThat(api.get("/products/" + id).cache()).isEqualTo("MISS");
		Response hit = api.get("/products/" + id);
		assertThat(hit.cache()).isEqualTo("HIT");
		assertThat(hit.json().get("stock_quantity").asInt()).isEqualTo(9);
		assertThat(api.get("/health").json().get("redis").asString()).isEqualTo("available");
		assertThat(app.app().gauge("product.cache.breaker.open")).isZero();
	}

	@Test
	void aFrozenRedisCostsAReadNoMoreThanTheTimeout() {
		String id = api.create("Blender", "79.00", 3);
		api.get("/products/" + id);

		redis.freeze();

		for (int i = 0; i < 20; i++) {
			Response read = timed(() -> api.get("/products/" + id));
			assertThat(read.status()).isEqualTo(200);
			assertThat(read.cache()).isEqualTo("BYPASS");
		}
		assertThat(timed(() -> api.post("/products", "{\"name\":\"Mixer\",\"price\":1,\"stock_quantity\":1}")).status())
			.isEqualTo(201);

		redis.thaw();
		awaitCaching();
	}

	/** Runs a request and fails if it took longer than the Redis budget. */
	private static Response timed(java.util.function.Supplier<Response> request) {
		long start = System.nanoTime();
		Response response = request.get();
		long elapsedMs = (System.nanoTime() - start) / 1_000_000;
		assertThat(elapsedMs).as("request time in ms").isLessThan(BUDGET_MS);
		return response;
	}

	/**
	 * Waits until a fresh product goes MISS then HIT, which only happens with Redis
	 * working.
	 */
	private void awaitCaching() {
		String probe = api.create("Probe", "1.00", 1);
		await("the API caches again").atMost(Duration.ofSeconds(15))
			.until(() -> "HIT".equals(api.get("/products/" + probe).cache()));
	}

}
