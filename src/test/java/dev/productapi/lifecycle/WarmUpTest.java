package dev.productapi.lifecycle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.productapi.product.ProductRepository;
import dev.productapi.support.Api;
import dev.productapi.support.Api.Response;
import dev.productapi.support.Await;
import dev.productapi.support.RunningApp;
import dev.productapi.support.TestDatabases;
import dev.productapi.support.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The warm-up runs the request path while readiness still refuses traffic, and leaves
 * nothing behind that a client could see.
 */
class WarmUpTest {

	@RegisterExtension
	static final TestRedis redis = new TestRedis();

	@Test
	void readinessRefusesTrafficUntilTheWarmUpIsOverAndTheWarmUpChangesNothing() throws Exception {
		int port = TestRedis.freePort();
		Map<String, String> settings = RunningApp.settings(redis, TestDatabases.sqlite(), "API_PORT",
				String.valueOf(port), "API_WARMUP_SECONDS", "3", "API_WRITE_TOKEN", "warm-up-token-0123456789");
		Api api = Api.onPort(port);
		CompletableFuture<RunningApp> starting = CompletableFuture.supplyAsync(() -> RunningApp.start(settings));
		List<Integer> readinessDuringStart = new ArrayList<>();
		Await.until("the server answers", Duration.ofSeconds(60), () -> {
			try {
				readinessDuringStart.add(api.get("/actuator/health/readiness").status());
				return true;
			}
			catch (RuntimeException ex) {
				return false;
			}
		});
		assertThat(starting).isNotDone();
		assertThat(api.get("/actuator/health/readiness").status()).as("readiness during the warm-up").isEqualTo(503);
		assertThat(api.get("/health").status()).as("the simple health check").isEqualTo(200);

		try (RunningApp app = starting.get()) {
			assertThat(api.get("/actuator/health/readiness").status()).isEqualTo(200);
			assertThat(app.counter("product.cache.requests", "result", "hit")).as("the warm-up's cache hits")
				.isGreaterThan(100);
			assertThat(app.bean(ProductRepository.class).count()).as("only the seeded samples").isEqualTo(3);
			Response sample = api.get("/products/00000000-0000-4000-8000-000000000001");
			assertThat(sample.json().get("version").asLong()).as("nothing was written").isEqualTo(1);
		}
		assertThat(readinessDuringStart).containsOnly(503);
	}

}
