package dev.productapi.idempotency;

import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;
import org.junit.jupiter.params.provider.MethodSource;
import tools.jackson.databind.JsonNode;

import org.springframework.jdbc.core.simple.JdbcClient;

import dev.productapi.support.Api;
import dev.productapi.support.Api.Response;
import dev.productapi.support.ApiUnderTest;
import dev.productapi.support.CreateGate;
import dev.productapi.support.Databases;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code POST /products} with an {@code Idempotency-Key}, on each database, with two
 * instances sharing it as instances behind a load balancer do: a retry gets the first
 * response and creates nothing, wherever it lands.
 */
class IdempotencyKeyIT {

	@RegisterExtension
	static final ApiUnderTest onSqlite = ApiUnderTest.withSettings()
		.withSources(CreateGate.class)
		.instances(2)
		.on(Databases.SQLITE);

	@RegisterExtension
	static final ApiUnderTest onPostgresql = ApiUnderTest.withSettings()
		.withSources(CreateGate.class)
		.instances(2)
		.on(Databases.POSTGRESQL);

	static ApiUnderTest app(Databases database) {
		return switch (database) {
			case SQLITE -> onSqlite;
			case POSTGRESQL -> onPostgresql;
		};
	}

	static String body(String name, String price) {
		return "{\"name\":\"%s\",\"price\":%s,\"stock_quantity\":3}".formatted(name, price);
	}

	static Response post(Api api, String key, String body) {
		return api.request("POST", "/products", body, "Idempotency-Key", key);
	}

	static long productsNamed(ApiUnderTest app, String name) {
		return app.app()
			.bean(JdbcClient.class)
			.sql("SELECT COUNT(*) FROM products WHERE name = ?")
			.param(name)
			.query(Long.class)
			.single();
	}

	@ParameterizedTest
	@EnumSource(Databases.class)
	void aRetryGetsTheFirstResponseAndCreatesNothing(Databases database) {
		ApiUnderTest app = app(database);
		String key = UUID.randomUUID().toString();
		String name = "Replayed on " + database;

		Response first = post(app.instance(0).api(), key, body(name, "10"));
		// The same request after parsing: other spacing, field order and price notation.
		Response again = post(app.instance(0).api(), key,
				"{ \"stock_quantity\": 3, \"price\": 10.00, \"name\": \"%s\" }".formatted(name));
		Response onTheOtherInstance = post(app.instance(1).api(), key, body(name, "10"));

		assertThat(first.status()).isEqualTo(201);
		assertThat(first.header("Idempotent-Replayed")).isNull();
		for (Response replay : List.of(again, onTheOtherInstance)) {
			assertThat(replay.status()).isEqualTo(201);
			assertThat(replay.body()).isEqualTo(first.body());
			assertThat(replay.contentType()).isEqualTo(first.contentType()).startsWith("application/json");
			assertThat(replay.header("Location")).isEqualTo(first.header("Location"));
			assertThat(replay.etag()).isEqualTo(first.etag()).isEqualTo("\"1\"");
			assertThat(replay.header("Idempotent-Replayed")).isEqualTo("true");
		}
		assertThat(productsNamed(app, name)).isEqualTo(1);
		assertThat(app.api().get(first.header("Location")).json().get("id")).isEqualTo(first.json().get("id"));
	}

	@ParameterizedTest
	@EnumSource(Databases.class)
	void theSameKeyWithADifferentBodyIs422(Databases database) {
		ApiUnderTest app = app(database);
		String key = UUID.randomUUID().toString();
		String name = "Reused key on " + database;
		Response first = post(app.api(), key, body(name, "10"));

		Response other = post(app.instance(1).api(), key, body(name, "11"));

		assertThat(other.status()).isEqualTo(422);
		assertThat(other.contentType()).isEqualTo("application/problem+json");
		assertThat(other.json().get("title").asString()).isEqualTo("Idempotency-Key reused");
		assertThat(productsNamed(app, name)).isEqualTo(1);
		assertThat(post(app.api(), key, body(name, "10")).body()).isEqualTo(first.body());
	}

	@ParameterizedTest
	@EnumSource(Databases.class)
	void aDuplicateWhileTheFirstIsInFlightIs409(Databases database) throws Exception {
		ApiUnderTest app = app(database);
		String key = UUID.randomUUID().toString();
		String name = "In flight on " + database;
		CreateGate.Gate gate = CreateGate.hold(name);
		CompletableFuture<Response> first = CompletableFuture
			.supplyAsync(() -> post(app.instance(0).api(), key, body(name, "10")));
		Response duplicate;
		Response different;
		try {
			gate.awaitEntered();
			duplicate = post(app.instance(1).api(), key, body(name, "10"));
			different = post(app.instance(0).api(), key, body(name, "12"));
			assertThat(productsNamed(app, name)).isZero();
		}
		finally {
			gate.release();
		}

		assertThat(duplicate.status()).isEqualTo(409);
		assertThat(duplicate.contentType()).isEqualTo("application/problem+json");
		assertThat(duplicate.header("Retry-After")).isEqualTo("1");
		assertThat(different.status()).isEqualTo(422);
		Response created = first.get();
		assertThat(created.status()).isEqualTo(201);
		Response retried = post(app.instance(1).api(), key, body(name, "10"));
		assertThat(retried.status()).isEqualTo(201);
		assertThat(retried.body()).isEqualTo(created.body());
		assertThat(productsNamed(app, name)).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(Databases.class)
	void concurrentRequestsWithOneKeyOnTwoInstancesCreateOneProduct(Databases database) throws Exception {
		ApiUnderTest app = app(database);
		String key = UUID.randomUUID().toString();
		String name = "Concurrent on " + database;
		CountDownLatch go = new CountDownLatch(1);
		List<Future<Response>> requests = new ArrayList<>();

		try (ExecutorService threads = Executors.newFixedThreadPool(16)) {
			for (int i = 0; i < 16; i++) {
				Api api = app.instance(i % 2).api();
				requests.add(threads.submit(() -> {
					go.await();
					return post(api, key, body(name, "10"));
				}));
			}
			go.countDown();
			List<Response> responses = new ArrayList<>();
			for (Future<Response> request : requests) {
				responses.add(request.get());
			}

			assertThat(responses).allSatisfy((response) -> assertThat(response.status()).isIn(201, 409));
			List<Response> created = responses.stream().filter((response) -> response.status() == 201).toList();
			assertThat(created).isNotEmpty();
			assertThat(created.stream().map(Response::body).distinct()).hasSize(1);
			assertThat(created.stream().filter((response) -> response.header("Idempotent-Replayed") == null))
				.hasSize(1);
		}
		assertThat(productsNamed(app, name)).isEqualTo(1);
	}

	@ParameterizedTest
	@EnumSource(Databases.class)
	void aFailedCreateReleasesItsKeySoARetryCreates(Databases database) {
		ApiUnderTest app = app(database);
		String key = UUID.randomUUID().toString();
		String name = "Failed once on " + database;
		CreateGate.failInsert(name);

		Response failed = post(app.api(), key, body(name, "10"));

		assertThat(failed.status()).isEqualTo(500);
		assertThat(failed.contentType()).isEqualTo("application/problem+json");
		assertThat(productsNamed(app, name)).isZero();
		Response retried = post(app.instance(1).api(), key, body(name, "10"));
		assertThat(retried.status()).isEqualTo(201);
		assertThat(retried.header("Idempotent-Replayed")).isNull();
		assertThat(productsNamed(app, name)).isEqualTo(1);
	}

	static List<String> invalidKeys() {
		return List.of("", "k".repeat(256), "two words", "tab\tinside");
	}

	@ParameterizedTest
	@MethodSource("invalidKeys")
	void anInvalidKeyIs400NamingTheHeader(String key) {
		String name = "Invalid key " + UUID.randomUUID();

		Response response = post(onSqlite.api(), key, body(name, "10"));

		assertThat(response.status()).isEqualTo(400);
		assertThat(response.contentType()).isEqualTo("application/problem+json");
		JsonNode error = response.json().get("errors").get(0);
		assertThat(error.get("parameter").asString()).isEqualTo("Idempotency-Key");
		assertThat(productsNamed(onSqlite, name)).isZero();
	}

	@Test
	void aKeyOf255VisibleCharactersIsAccepted() {
		String key = "!~" + "k".repeat(253);

		assertThat(post(onSqlite.api(), key, body("Longest key", "10")).status()).isEqualTo(201);
		assertThat(post(onSqlite.api(), key, body("Longest key", "10")).header("Idempotent-Replayed"))
			.isEqualTo("true");
	}

	@Test
	void withoutAKeyEveryPostCreates() {
		String name = "No key";

		onSqlite.api().post("/products", body(name, "10"));
		onSqlite.api().post("/products", body(name, "10"));

		assertThat(productsNamed(onSqlite, name)).isEqualTo(2);
	}

	@Test
	void theOpenApiDocumentDescribesTheHeaderTheTokenAndTheErrors() {
		JsonNode openApi = onSqlite.api().get("/openapi.json").json();

		JsonNode post = openApi.get("paths").get("/products").get("post");
		assertThat(post.get("parameters").findValuesAsString("name")).contains("Idempotency-Key");
		assertThat(post.get("responses").propertyNames()).contains("201", "400", "401", "409", "422");
		assertThat(post.get("responses").get("409").get("headers").has("Retry-After")).isTrue();
		assertThat(post.get("security").toString()).contains("writeToken");
		assertThat(openApi.get("components").get("securitySchemes").get("writeToken").get("scheme").asString())
			.isEqualTo("bearer");
	}

}
