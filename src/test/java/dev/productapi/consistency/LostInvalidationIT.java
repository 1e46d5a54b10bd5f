package dev.productapi.consistency;

import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

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
 * A write whose invalidation cannot reach Redis: Redis comes back with the old value
 * still in it (a freeze or a write pause, not a restart). No read may return the old
 * value once the write has returned, and the outbox must deliver the delete and drain by
 * itself.
 */
class LostInvalidationIT {

	private static final Pattern PRICE = Pattern.compile("\"price\":([0-9.]+)");

	@RegisterExtension
	static final ApiUnderTest app = ApiUnderTest.withSettings("REDIS_TIMEOUT_MS", "200");

	private final Api api = app.api();

	private final TestRedis redis = app.redis();

	@AfterEach
	void thaw() {
		redis.thawIfFrozen();
		redis.unpause();
	}

	@Test
	void aWriteDuringAFreezeIsNeverReadStale() {
		String id = cachedProduct("1.00");

		redis.freeze();
		assertThat(api.put("/products/" + id, "{\"price\": 2.00}").status()).isEqualTo(200);
		assertThat(priceOf(api.get("/products/" + id))).isEqualTo("2.00");
		redis.thaw();

		assertNewValueAlwaysAndOutboxDrains(id, "2.00");
	}

	@Test
	void aWriteWhileRedisRefusesWritesButServesReadsIsNeverReadStale() {
		String id = cachedProduct("3.00");

		// Redis keeps answering GETs with the old value, but the DEL times out.
		redis.pauseWrites(Duration.ofSeconds(3));
		assertThat(api.put("/products/" + id, "{\"price\": 4.00}").status()).isEqualTo(200);
		assertThat(redis.commands().get("product:" + id)).contains("\"price\":3.00");
		// Reads of this product bypass Redis while its invalidation is pending, whatever
		// the circuit breaker says about Redis as a whole.
		Response read = api.get("/products/" + id);
		assertThat(priceOf(read)).isEqualTo("4.00");
		assertThat(read.cache()).isEqualTo("BYPASS");
		redis.unpause();

		assertNewValueAlwaysAndOutboxDrains(id, "4.00");
	}

	private String cachedProduct(String price) {
		String id = api.create("Outbox", price, 1);
		await("the product is cached").atMost(Duration.ofSeconds(5))
			.until(() -> "HIT".equals(api.get("/products/" + id).cache()));
		return id;
	}

	private void assertNewValueAlwaysAndOutboxDrains(String id, String newPrice) {
		long deadline = System.nanoTime() + Duration.ofSeconds(15).toNanos();
		while (app.app().pendingInvalidations() > 0 && System.nanoTime() < deadline) {
			assertThat(priceOf(api.get("/products/" + id))).isEqualTo(newPrice);
		}
		assertThat(app.app().pendingInvalidations()).as("invalidations still pending").isZero();
		await("the outbox gauge reads zero").atMost(Duration.ofSeconds(5))
			.until(() -> api.get("/actuator/prometheus").body().contains("product_cache_invalidations_pending 0.0"));
		String cached = redis.commands().get("product:" + id);
		assertThat(cached == null || cached.contains("\"price\":" + newPrice)).as("Redis holds " + cached).isTrue();
		assertThat(priceOf(api.get("/products/" + id))).isEqualTo(newPrice);
		await("the product is cached again").atMost(Duration.ofSeconds(5))
			.until(() -> "HIT".equals(api.get("/products/" + id).cache()));
		assertThat(priceOf(api.get("/products/" + id))).isEqualTo(newPrice);
	}

	private static String priceOf(Response response) {
		assertThat(response.status()).isEqualTo(200);
		Matcher price = PRICE.matcher(response.body());
		assertThat(price.find()).as(response.body()).isTrue();
		return price.group(1);
	}

}
