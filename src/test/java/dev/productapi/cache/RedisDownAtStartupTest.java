package dev.productapi.cache;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.productapi.support.Api;
import dev.productapi.support.Await;
import dev.productapi.support.RunningApp;
import dev.productapi.support.TestDatabases;
import dev.productapi.support.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;

/** The API starts and serves without Redis, and starts caching once Redis appears. */
class RedisDownAtStartupTest {

	@Test
	void startsWithoutRedisAndCachesOnceItArrives() {
		try (TestRedis redis = new TestRedis(); RunningApp app = RunningApp.start(redis, TestDatabases.sqlite())) {
			Api api = app.api();
			String seeded = "/products/00000000-0000-4000-8000-000000000001";

			assertThat(api.get("/health").status()).isEqualTo(200);
			assertThat(api.get(seeded).status()).isEqualTo(200);
			assertThat(api.get(seeded).cache()).isEqualTo("BYPASS");

			redis.start();

			Await.until("the API caches", Duration.ofSeconds(15), () -> "HIT".equals(api.get(seeded).cache()));
			assertThat(redis.commands().exists("product:00000000-0000-4000-8000-000000000001")).isEqualTo(1);
		}
	}

}
