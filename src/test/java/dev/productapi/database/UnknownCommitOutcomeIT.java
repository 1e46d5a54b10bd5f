package dev.productapi.database;

import java.time.Duration;
import java.util.function.Supplier;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.productapi.support.Api;
import dev.productapi.support.Api.Response;
import dev.productapi.support.ApiUnderTest;
import dev.productapi.support.TcpProxy;
import dev.productapi.support.TestPostgres;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The connection to PostgreSQL dies while a write's COMMIT is in flight, so the API
 * cannot know whether it committed. It answers 503 and drops the cached product either
 * way, so what is read next is the database's row, whichever way the commit went: the new
 * value when the server committed, the old one when the COMMIT never arrived.
 */
class UnknownCommitOutcomeIT {

	private static final int DATABASE_TIMEOUT_MS = 1000;

	@RegisterExtension
	@Order(1)
	static final TestPostgres postgres = new TestPostgres();

	static final TcpProxy proxy = TcpProxy.to(postgres);

	@RegisterExtension
	@Order(2)
	static final ApiUnderTest app = ApiUnderTest.withSettings("DATABASE_URL", proxy.url(), "DATABASE_TIMEOUT_MS",
			String.valueOf(DATABASE_TIMEOUT_MS));

	private final Api api = app.api();

	@AfterAll
	static void closeProxy() {
		proxy.close();
	}

	@AfterEach
	void disarm() {
		proxy.disarm();
	}

	@Test
	void aWriteCommittedButNeverConfirmedAnswers503AndIsReadAsWritten() {
		String path = cachedProduct("Kettle");
		int cutsBefore = proxy.cuts();
		proxy.cutAfterCommit("Kettle, committed");

		Response put = timed("PUT cut after its COMMIT", () -> this.api.put(path, "{\"name\": \"Kettle, committed\"}"));

		assertThat(proxy.cuts() - cutsBefore).as("connections cut after the COMMIT").isEqualTo(1);
		assertThat(nameInDatabase(path)).isEqualTo("Kettle, committed");
		assertThat(nameReadThroughTheApi(path)).isEqualTo("Kettle, committed");
		awaitCachedAgain(path, "Kettle, committed");
		assertUnknownOutcome(put);
	}

	@Test
	void aWriteWhoseCommitNeverArrivedAnswers503AndIsReadUnchanged() {
		String path = cachedProduct("Toaster");
		int cutsBefore = proxy.cuts();
		proxy.dropCommit("Toaster, dropped");

		Response put = timed("PUT whose COMMIT was dropped",
				() -> this.api.put(path, "{\"name\": \"Toaster, dropped\"}"));

		assertThat(proxy.cuts() - cutsBefore).as("connections cut instead of the COMMIT").isEqualTo(1);
		assertThat(nameInDatabase(path)).isEqualTo("Toaster");
		assertThat(nameReadThroughTheApi(path)).isEqualTo("Toaster");
		awaitCachedAgain(path, "Toaster");
		assertUnknownOutcome(put);
	}

	private String cachedProduct(String name) {
		String path = "/products/" + this.api.create(name, "10.00", 1);
		await("the product is cached").atMost(Duration.ofSeconds(5))
			.until(() -> "HIT".equals(this.api.get(path).cache()));
		return path;
	}

	/**
	 * Checked after the data, so that a wrong status does not hide whether the cache was
	 * invalidated.
	 */
	private static void assertUnknownOutcome(Response put) {
		assertThat(put.status()).as(put.body()).isEqualTo(503);
		assertThat(put.contentType()).startsWith("application/problem+json");
		assertThat(put.header("Retry-After")).isEqualTo("1");
	}

	private static Response timed(String what, Supplier<Response> request) {
		long start = System.nanoTime();
		Response response = request.get();
		long elapsedMs = (System.nanoTime() - start) / 1_000_000;
		System.out.println("[UnknownCommitOutcomeIT] " + what + ": " + response.status() + " in " + elapsedMs + " ms");
		assertThat(elapsedMs).as(what + " took (ms)").isLessThanOrEqualTo(Unavailable.boundMs(DATABASE_TIMEOUT_MS));
		return response;
	}

	/** The first read after the write: the database's row, not the cache's old copy. */
	private String nameReadThroughTheApi(String path) {
		Response read = this.api.get(path);
		assertThat(read.status()).as(read.body()).isEqualTo(200);
		assertThat(read.cache()).as("the old copy is gone from the cache").isNotEqualTo("HIT");
		return read.json().get("name").asString();
	}

	private void awaitCachedAgain(String path, String name) {
		await("the product is cached again").atMost(Duration.ofSeconds(5))
			.until(() -> "HIT".equals(this.api.get(path).cache()));
		assertThat(this.api.get(path).json().get("name").asString()).isEqualTo(name);
	}

	private static String nameInDatabase(String path) {
		String id = path.substring(path.lastIndexOf('/') + 1);
		return postgres.queryString("SELECT name FROM products WHERE id = '" + id + "'");
	}

}
