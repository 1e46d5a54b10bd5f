package dev.productapi.api;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.productapi.support.Api;
import dev.productapi.support.Api.Response;
import dev.productapi.support.ApiUnderTest;
import dev.productapi.support.RunningApp;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Versions, ETags and conditional requests (RFC 9110): 304 for a client that has the
 * current version, 412 for a write over a version that changed, 428 where If-Match is
 * required.
 */
class ConditionalRequestsIT {

	@RegisterExtension
	static final ApiUnderTest app = ApiUnderTest.withSettings();

	@RegisterExtension
	static final ApiUnderTest strict = ApiUnderTest.withSettings("API_REQUIRE_IF_MATCH", "true");

	private final Api api = app.api();

	@Test
	void everyWriteAddsOneToTheVersionAndTheEtagFollowsIt() {
		Response created = api.post("/products", "{\"name\":\"Kettle\",\"price\":20,\"stock_quantity\":1}");
		String path = "/products/" + created.json().get("id").asString();
		assertThat(created.json().get("version").asLong()).isEqualTo(1);
		assertThat(created.etag()).isEqualTo("\"1\"");

		Response updated = api.put(path, "{\"price\": 21}");

		assertThat(updated.json().get("version").asLong()).isEqualTo(2);
		assertThat(updated.etag()).isEqualTo("\"2\"");
		assertThat(api.get(path).etag()).isEqualTo("\"2\"");
		assertThat(api.get(path).json().get("version").asLong()).isEqualTo(2);
	}

	@Test
	void aClientWithTheCurrentVersionGets304WithoutTheDatabaseOnAHit() {
		String path = "/products/" + api.create("Toaster", "25.00", 2);
		api.get(path);
		RunningApp instance = app.app();
		double readsBefore = instance.counter("product.db.reads");

		Response notModified = api.request("GET", path, null, "If-None-Match", "\"1\"");

		assertThat(notModified.status()).isEqualTo(304);
		assertThat(notModified.body()).isEmpty();
		assertThat(notModified.etag()).isEqualTo("\"1\"");
		assertThat(notModified.cache()).isEqualTo("HIT");
		assertThat(instance.counter("product.db.reads")).isEqualTo(readsBefore);
	}

	@ParameterizedTest
	@ValueSource(strings = { "\"1\"", "W/\"1\"", "\"7\", \"1\"", "*", "\"x\",W/\"1\"" })
	void ifNoneMatchComparesWeakly(String ifNoneMatch) {
		String path = "/products/" + api.create("Weak", "1.00", 1);

		assertThat(api.request("GET", path, null, "If-None-Match", ifNoneMatch).status()).isEqualTo(304);
	}

	@Test
	void anOlderVersionInIfNoneMatchGetsTheProduct() {
		String path = "/products/" + api.create("Blender", "40.00", 1);
		api.put(path, "{\"price\": 41}");

		Response response = api.request("GET", path, null, "If-None-Match", "\"1\"");

		assertThat(response.status()).isEqualTo(200);
		assertThat(response.etag()).isEqualTo("\"2\"");
		assertThat(response.body()).contains("\"price\":41.00");
	}

	@Test
	void aWriteAtTheCurrentVersionSucceeds() {
		String path = "/products/" + api.create("Fan", "15.00", 3);

		Response response = api.request("PUT", path, "{\"stock_quantity\": 4}", "If-Match", "\"1\"");

		assertThat(response.status()).isEqualTo(200);
		assertThat(response.etag()).isEqualTo("\"2\"");
	}

	@Test
	void aWriteOverAChangedVersionIs412AndChangesNothing() {
		String path = "/products/" + api.create("Heater", "60.00", 3);
		api.put(path, "{\"price\": 65}");

		Response put = api.request("PUT", path, "{\"price\": 70}", "If-Match", "\"1\"");
		Response delete = api.request("DELETE", path, null, "If-Match", "\"1\"");

		assertThat(put.status()).isEqualTo(412);
		assertThat(put.contentType()).isEqualTo("application/problem+json");
		assertThat(delete.status()).isEqualTo(412);
		Response current = api.get(path);
		assertThat(current.status()).isEqualTo(200);
		assertThat(current.body()).contains("\"price\":65.00", "\"version\":2");
	}

	@ParameterizedTest
	@ValueSource(strings = { "W/\"1\"", "\"one\"" })
	void ifMatchComparesStronglySoAWeakOrForeignTagNeverMatches(String ifMatch) {
		String path = "/products/" + api.create("Strong", "5.00", 1);

		assertThat(api.request("PUT", path, "{\"price\": 6}", "If-Match", ifMatch).status()).isEqualTo(412);
	}

	@Test
	void ifMatchStarMeansAnyVersion() {
		String path = "/products/" + api.create("Any", "5.00", 1);
		api.put(path, "{\"price\": 6}");

		assertThat(api.request("DELETE", path, null, "If-Match", "*").status()).isEqualTo(204);
	}

	@Test
	void anUnknownProductIs404WhateverIfMatchSays() {
		String path = "/products/6f1c7a52-30a4-4bd4-8f0e-2a8b7e2f0c11";

		assertThat(api.request("PUT", path, "{\"price\": 6}", "If-Match", "\"1\"").status()).isEqualTo(404);
		assertThat(api.request("DELETE", path, null, "If-Match", "*").status()).isEqualTo(404);
	}

	@ParameterizedTest
	@ValueSource(strings = { "1", "\"1", "\"1\" \"2\"", "W/1", ",", "\"a\"b\"" })
	void aMalformedIfMatchIs400NamingIt(String ifMatch) {
		String path = "/products/" + api.create("Malformed", "5.00", 1);

		Response response = api.request("PUT", path, "{\"price\": 6}", "If-Match", ifMatch);

		assertThat(response.status()).isEqualTo(400);
		assertThat(response.json().get("errors").get(0).get("parameter").asString()).isEqualTo("If-Match");
		assertThat(api.get(path).json().get("version").asLong()).isEqualTo(1);
	}

	@Test
	void aMalformedIfNoneMatchIs400NamingIt() {
		String path = "/products/" + api.create("Malformed", "5.00", 1);

		Response response = api.request("GET", path, null, "If-None-Match", "1");

		assertThat(response.status()).isEqualTo(400);
		assertThat(response.json().get("errors").get(0).get("parameter").asString()).isEqualTo("If-None-Match");
	}

	/**
	 * Two editors read version 1 and write at once: exactly one of them wins, every time.
	 */
	@Test
	void ofTwoWritersAtTheSameVersionExactlyOneWins() throws Exception {
		for (int round = 0; round < 20; round++) {
			String path = "/products/" + api.create("Contested " + round, "10.00", 1);
			CountDownLatch go = new CountDownLatch(1);
			List<CompletableFuture<Response>> writers = new ArrayList<>();
			for (int writer = 0; writer < 2; writer++) {
				String body = "{\"price\": " + (11 + writer) + "}";
				writers.add(CompletableFuture.supplyAsync(() -> {
					awaitQuietly(go);
					return api.request("PUT", path, body, "If-Match", "\"1\"");
				}));
			}
			go.countDown();
			List<Integer> statuses = writers.stream().map(CompletableFuture::join).map(Response::status).toList();

			assertThat(statuses).containsExactlyInAnyOrder(200, 412);
			assertThat(api.get(path).json().get("version").asLong()).isEqualTo(2);
		}
	}

	@Test
	void whereIfMatchIsRequiredAWriteWithoutItIs428() {
		Api strictApi = strict.api();
		String path = "/products/" + strictApi.create("Guarded", "3.00", 1);

		Response put = strictApi.put(path, "{\"price\": 4}");
		Response delete = strictApi.delete(path);

		assertThat(put.status()).isEqualTo(428);
		assertThat(put.contentType()).isEqualTo("application/problem+json");
		assertThat(delete.status()).isEqualTo(428);
		assertThat(strictApi.request("PUT", path, "{\"price\": 4}", "If-Match", "\"1\"").status()).isEqualTo(200);
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
