package dev.productapi.database;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.productapi.support.Api;
import dev.productapi.support.Api.Response;
import dev.productapi.support.ApiUnderTest;
import dev.productapi.support.LogCapture;
import dev.productapi.support.RunningApp;
import dev.productapi.support.TestPostgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * PostgreSQL crashes under a running API and comes back: what Redis holds is still
 * served, everything that needs the database fails fast with a 503 that says so, the
 * outage is logged once and shows in health and metrics, and the API picks up again by
 * itself once the server is back.
 */
class DatabaseOutageIT {

	private static final int DATABASE_TIMEOUT_MS = 1000;

	private static final long BOUND_MS = Unavailable.boundMs(DATABASE_TIMEOUT_MS);

	private static final String AVAILABILITY_LOGGER = "dev.productapi.database.DatabaseAvailability";

	private static final String REACHABLE_AGAIN = "Database reachable again after";

	/** How often the API probes a database it found unreachable. */
	private static final long PROBE_INTERVAL_MS = 500;

	/**
	 * The longest HikariCP waits between two failed attempts to open a connection; the
	 * probe borrows from the pool, so it cannot succeed before the next attempt.
	 */
	private static final long POOL_RETRY_BACKOFF_MS = 5000;

	@RegisterExtension
	@Order(1)
	static final TestPostgres postgres = new TestPostgres();

	// the negative TTL outlasts the test, so the cached 404 is still there when it is
	// read
	@RegisterExtension
	@Order(2)
	static final ApiUnderTest app = ApiUnderTest.withSettings("DATABASE_URL", postgres.url(), "DATABASE_TIMEOUT_MS",
			String.valueOf(DATABASE_TIMEOUT_MS), "CACHE_NEGATIVE_TTL_SECONDS", "600");

	private final Api api = app.api();

	private final RunningApp instance = app.app();

	@Test
	void anOutageFailsFastKeepsCachedReadsAndEndsWithoutARestart() {
		String cached = "/products/" + this.api.create("Kettle", "39.00", 10);
		this.api.get(cached);
		assertThat(this.api.get(cached).cache()).isEqualTo("HIT");
		String absent = "/products/" + UUID.randomUUID();
		assertThat(this.api.get(absent).status()).isEqualTo(404);
		String uncached = "/products/" + this.api.create("Toaster", "25.00", 4);
		double errorsBefore = this.instance.counter("product.database.errors");
		double responsesBefore = this.instance.counter("product.database.unavailable.responses");

		try (LogCapture log = LogCapture.start()) {
			postgres.stop();

			Response hit = this.api.get(cached);
			assertThat(hit.status()).isEqualTo(200);
			assertThat(hit.cache()).isEqualTo("HIT");
			assertThat(this.api.get(absent).status()).as("the cached 404").isEqualTo(404);

			List<String> times = new ArrayList<>();
			times.add("uncached GET " + fails("uncached GET", () -> this.api.get(uncached)));
			times.add("POST " + fails("POST",
					() -> this.api.post("/products", "{\"name\":\"Mixer\",\"price\":1.00,\"stock_quantity\":1}")));
			times.add("PUT " + fails("PUT", () -> this.api.put(cached, "{\"stock_quantity\": 9}")));
			times.add("DELETE " + fails("DELETE", () -> this.api.delete(uncached)));
			log("503 with the database stopped, in ms: " + String.join(", ", times));
			int failed = 4;

			List<String> stackTracesBefore = log.stackTraces();
			for (int i = 0; i < 5; i++) {
				fails("uncached GET #" + i, () -> this.api.get(uncached));
				failed++;
			}
			assertThat(log.stackTraces()).as("log events with a stack trace during 5 failed requests")
				.isEqualTo(stackTracesBefore);
			assertThat(log.messages(AVAILABILITY_LOGGER, Level.WARN, "Database unreachable")).hasSize(1);
			assertThat(log.errors()).isEmpty();

			assertThat(this.instance.counter("product.database.unavailable.responses") - responsesBefore)
				.isEqualTo(failed);
			assertThat(this.instance.counter("product.database.errors") - errorsBefore).isGreaterThanOrEqualTo(failed);
			assertThat(this.instance.gauge("product.database.available")).isZero();
			String prometheus = this.api.get("/actuator/prometheus").body();
			assertThat(prometheus).contains("product_database_errors_total", "product_database_available 0.0",
					"product_database_unavailable_responses_total");
			assertHealthWhileDown();

			long noticedMs = recover(log);
			assertAllWorks(cached, uncached);
			// The pool's next attempt, then the next probe, which waits at most the
			// timeout.
			assertThat(noticedMs).as("ms from the server accepting connections to the API logging it back")
				.isLessThanOrEqualTo(
						POOL_RETRY_BACKOFF_MS + PROBE_INTERVAL_MS + DATABASE_TIMEOUT_MS + Unavailable.SLACK_MS);
		}
	}

	private long fails(String what, Supplier<Response> request) {
		return Unavailable.assertFailsFast(what, BOUND_MS, request);
	}

	private void assertHealthWhileDown() {
		Response health = this.api.get("/actuator/health");
		assertThat(health.status()).isEqualTo(503);
		assertThat(health.json().get("status").asString()).isEqualTo("DOWN");
		assertThat(health.json().at("/components/db/status").asString()).isEqualTo("DOWN");
		assertThat(health.json().at("/components/db/details/database").asString()).isEqualTo("unavailable");
		for (String probe : List.of("/actuator/health/liveness", "/actuator/health/readiness")) {
			Response response = this.api.get(probe);
			assertThat(response.status()).as(probe).isEqualTo(200);
			assertThat(response.json().get("status").asString()).as(probe).isEqualTo("UP");
		}
		Response simple = this.api.get("/health");
		assertThat(simple.status()).isEqualTo(200);
		assertThat(simple.json().get("status").asString()).isEqualTo("ok");
		assertThat(simple.json().get("database").asString()).isEqualTo("unavailable");
	}

	/**
	 * Starts the server again, waits without traffic until the API notices, then times
	 * the first write that succeeds. Returns how long after the server accepted
	 * connections the API logged that it was back.
	 */
	private long recover(LogCapture log) {
		long start = System.nanoTime();
		postgres.start();
		long readyAt = System.currentTimeMillis();
		await("the API says the database is back").atMost(Duration.ofSeconds(15))
			.until(() -> !log.matching(AVAILABILITY_LOGGER, Level.INFO, REACHABLE_AGAIN).isEmpty());
		long noticedMs = log.matching(AVAILABILITY_LOGGER, Level.INFO, REACHABLE_AGAIN).getFirst().getTimeStamp()
				- readyAt;
		String[] created = new String[1];
		await("a write succeeds again").atMost(Duration.ofSeconds(15)).until(() -> {
			Response response = this.api.post("/products", "{\"name\":\"Back\",\"price\":2.00,\"stock_quantity\":2}");
			if (response.status() == 201) {
				created[0] = response.json().get("id").asString();
				return true;
			}
			assertThat(response.status()).as(response.body()).isEqualTo(503);
			return false;
		});
		log("the API logged the database back " + noticedMs + " ms after the server accepted connections"
				+ " (no traffic meanwhile); first successful write " + (System.nanoTime() - start) / 1_000_000
				+ " ms after the server was started");
		assertThat(this.api.get("/products/" + created[0]).status()).isEqualTo(200);
		assertThat(log.messages(AVAILABILITY_LOGGER, Level.INFO, REACHABLE_AGAIN)).hasSize(1);
		assertThat(log.messages(AVAILABILITY_LOGGER, Level.WARN, "Database unreachable")).hasSize(1);
		assertThat(log.errors()).isEmpty();
		return noticedMs;
	}

	private void assertAllWorks(String cached, String uncached) {
		assertThat(this.instance.gauge("product.database.available")).isEqualTo(1);
		Response health = this.api.get("/actuator/health");
		assertThat(health.status()).isEqualTo(200);
		assertThat(health.json().at("/components/db/details/database").asString()).isEqualTo("available");
		assertThat(this.api.get("/health").json().get("database").asString()).isEqualTo("available");

		assertThat(this.api.get(uncached).status()).isEqualTo(200);
		assertThat(this.api.put(cached, "{\"stock_quantity\": 7}").status()).isEqualTo(200);
		assertThat(this.api.get(cached).json().get("stock_quantity").asInt()).isEqualTo(7);
		assertThat(this.api.delete(uncached).status()).isEqualTo(204);
		assertThat(this.api.get(uncached).status()).isEqualTo(404);
	}

	private static void log(String message) {
		System.out.println("[DatabaseOutageIT] " + message);
	}

}
