package dev.productapi.cache;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.productapi.support.Api;
import dev.productapi.support.ApiUnderTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** The API starts and serves without Redis, and starts caching once Redis appears. */
class RedisDownAtStartupIT {

	@RegisterExtension
	static final ApiUnderTest app = ApiUnderTest.withSettings().withRedisDownAtStart();

	@Test
	void startsWithoutRedisAndCachesOnceItArrives() {
		Api api = app.api();
		String seeded = "/products/00000000-0000-4000-8000-000000000001";

		assertThat(api.get("/health").status()).isEqualTo(200);
		assertThat(api.get(seeded).status()).isEqualTo(200);
		assertThat(api.get(seeded).cache()).isEqualTo("BYPASS");

		app.redis().start();

		await("the API caches").atMost(Duration.ofSeconds(15)).until(() -> "HIT".equals(api.get(seeded).cache()));
		assertThat(app.redis().commands().exists("product:00000000-0000-4000-8000-000000000001")).isEqualTo(1);
	}

}
