package dev.productapi.cache;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.productapi.support.Api;
import dev.productapi.support.Await;
import dev.productapi.support.RunningApp;
import dev.productapi.support.TestDatabases;
import dev.productapi.support.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;

/** Entries expire after {@code CACHE_TTL_SECONDS}, and the next read fills the cache again. */
class CacheTtlTest {

	private static TestRedis redis;

	private static RunningApp app;

	@BeforeAll
	static void start() {
		redis = TestRedis.started();
		app = RunningApp.start(redis, TestDatabases.sqlite(), "CACHE_TTL_SECONDS", "1");
	}

	@AfterAll
	static void stop() {
		app.close();
		redis.close();
	}

	@Test
	void anEntryExpiresAfterTheTtl() {
		Api api = app.api();
		String id = api.create("Clock", "19.90", 8);
		String key = "product:" + id;

		assertThat(api.get("/products/" + id).cache()).isEqualTo("MISS");
		assertThat(redis.commands().pttl(key)).isBetween(1L, 1000L);
		assertThat(api.get("/products/" + id).cache()).isEqualTo("HIT");

		Await.until(key + " expires", Duration.ofSeconds(5), () -> redis.commands().exists(key) == 0);

		assertThat(api.get("/products/" + id).cache()).isEqualTo("MISS");
		assertThat(redis.commands().exists(key)).isEqualTo(1);
	}

}
