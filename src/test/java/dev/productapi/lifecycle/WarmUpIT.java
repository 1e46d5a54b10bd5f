package dev.productapi.lifecycle;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.context.ApplicationListener;

import dev.productapi.product.ProductRepository;
import dev.productapi.support.Api;
import dev.productapi.support.Api.Response;
import dev.productapi.support.RunningApp;
import dev.productapi.support.TestDatabases;
import dev.productapi.support.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The warm-up runs the request path while readiness still refuses traffic, and leaves
 * nothing behind that a client could see, nor a thread of its HTTP client.
 */
class WarmUpIT {

	/**
	 * The JDK's HTTP clients name their threads
	 * HttpClient-(client)-SelectorManager/Worker-n.
	 */
	private static final Pattern HTTP_CLIENT_THREAD = Pattern.compile("HttpClient-([0-9]+)-.*");

	@RegisterExtension
	static final TestRedis redis = new TestRedis();

	@Test
	void readinessRefusesTrafficUntilTheWarmUpIsOverAndTheWarmUpChangesNothing() throws Exception {
		int port = TestRedis.freePort();
		Map<String, String> settings = RunningApp.settings(redis, TestDatabases.sqlite(), "API_PORT",
				String.valueOf(port), "API_WARMUP_SECONDS", "5", "API_WRITE_TOKEN", "warm-up-token-0123456789");
		Api api = Api.onPort(port);
		Set<String> httpClientsBefore = httpClients();
		CompletableFuture<RunningApp> starting = CompletableFuture
			.supplyAsync(() -> RunningApp.start(settings, HttpClientsWhenReady.class));
		List<Integer> readinessDuringStart = new ArrayList<>();
		await("the server answers").atMost(Duration.ofSeconds(60)).until(() -> {
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
		Set<String> warmUpClients = HttpClientsWhenReady.clients.stream()
			.filter((client) -> !httpClientsBefore.contains(client))
			.collect(Collectors.toSet());
		// Its executor's threads may still be on their way out when readiness turns UP.
		await("the warm-up's HTTP client has no thread left").atMost(Duration.ofSeconds(10))
			.until(() -> httpClients().stream().noneMatch(warmUpClients::contains));
	}

	/** The ids of the JDK HTTP clients that have a thread alive. */
	private static Set<String> httpClients() {
		return Thread.getAllStackTraces()
			.keySet()
			.stream()
			.map((thread) -> HTTP_CLIENT_THREAD.matcher(thread.getName()))
			.filter(Matcher::matches)
			.map((matcher) -> matcher.group(1))
			.collect(Collectors.toSet());
	}

	/**
	 * The HTTP clients alive when the application is ready: after the warm-up, before a
	 * test makes a client of its own.
	 */
	static class HttpClientsWhenReady implements ApplicationListener<ApplicationReadyEvent> {

		static volatile Set<String> clients = Set.of();

		@Override
		public void onApplicationEvent(ApplicationReadyEvent event) {
			clients = httpClients();
		}

	}

}
