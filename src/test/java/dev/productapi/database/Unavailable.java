package dev.productapi.database;

import java.util.function.Supplier;

import dev.productapi.support.Api.Response;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a request that needs an unavailable database must get: a 503 problem that says so
 * and when to retry, within the bound that the database timeout sets.
 */
final class Unavailable {

	/**
	 * Room for a loaded two-core machine, on top of what the settings allow; far below
	 * the 30 s that Hikari and pgjdbc would wait by default.
	 */
	static final long SLACK_MS = 1500;

	private Unavailable() {
	}

	/**
	 * Waiting for a connection, then running the statements, may each take up to the
	 * database timeout.
	 */
	static long boundMs(int databaseTimeoutMs) {
		return 2L * databaseTimeoutMs + SLACK_MS;
	}

	/**
	 * Runs the request, asserts the 503 problem and that it came within the bound, and
	 * returns how long it took in ms.
	 */
	static long assertFailsFast(String what, long boundMs, Supplier<Response> request) {
		long start = System.nanoTime();
		Response response = request.get();
		long elapsedMs = (System.nanoTime() - start) / 1_000_000;
		assertThat(response.status()).as(what + ": " + response.body()).isEqualTo(503);
		assertThat(response.contentType()).as(what).startsWith("application/problem+json");
		assertThat(response.json().get("title").asString()).as(what).isEqualTo("Database unavailable");
		assertThat(response.header("Retry-After")).as(what).isEqualTo("1");
		assertThat(elapsedMs).as(what + " took (ms)").isLessThanOrEqualTo(boundMs);
		return elapsedMs;
	}

}
