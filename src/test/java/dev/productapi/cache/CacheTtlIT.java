package dev.productapi.cache;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.productapi.support.Api;
import dev.productapi.support.ApiUnderTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Entries expire after {@code CACHE_TTL_SECONDS}, and the next read fills the cache
 * again.
 */
class CacheTtlIT {

	@RegisterExtension
	static final ApiUnderTest app = ApiUnderTest.withSettings("CACHE_TTL_SECONDS", "1");

	@Test
	void anEntryExpiresAfterTheTtl() {
		Api api = app.api();
		String id = api.create("Clock", "19.90", 8);
		String key = "product:" + id;

		assertThat(api.get("/products/" + id).cache()).isEqualTo("MISS");
		assertThat(app.redis().commands().pttl(key)).isBetween(1L, 1000L);
		assertThat(api.get("/products/" + id).cache()).isEqualTo("HIT");

		await(key + " expires").atMost(Duration.ofSeconds(5)).until(() -> app.redis().commands().exists(key) == 0);

		assertThat(api.get("/products/" + id).cache()).isEqualTo("MISS");
		assertThat(app.redis().commands().exists(key)).isEqualTo(1);
	}

}
