package dev.productapi.idempotency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.atomic.AtomicReference;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import org.springframework.jdbc.core.simple.JdbcClient;

import dev.productapi.support.Api.Response;
import dev.productapi.support.ApiUnderTest;
import dev.productapi.support.CreateGate;
import dev.productapi.support.Databases;

import static dev.productapi.idempotency.IdempotencyKeyIT.body;
import static dev.productapi.idempotency.IdempotencyKeyIT.post;
import static dev.productapi.idempotency.IdempotencyKeyIT.productsNamed;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The end of a key's life, with keys that live 2 s instead of 24 h and claims that count
 * as abandoned after 1 s instead of 60 s: an expired key is as good as new, an abandoned
 * claim is taken over, and the purge deletes expired keys. The scheduled purge keeps its
 * default interval (1 h), so it never runs during these tests; they call it directly.
 */
class IdempotencyKeyExpiryIT {

	private static final String[] SETTINGS = { "product-api.idempotency.key-ttl", "2s",
			"product-api.idempotency.in-flight-timeout", "1s", "product-api.idempotency.purge-batch-size", "2" };

	@RegisterExtension
	static final ApiUnderTest onSqlite = ApiUnderTest.withSettings(SETTINGS)
		.withSources(CreateGate.class)
		.on(Databases.SQLITE);

	@RegisterExtension
	static final ApiUnderTest onPostgresql = ApiUnderTest.withSettings(SETTINGS)
		.withSources(CreateGate.class)
		.on(Databases.POSTGRESQL);

	private static ApiUnderTest app(Databases database) {
		return switch (database) {
			case SQLITE -> onSqlite;
			case POSTGRESQL -> onPostgresql;
		};
	}

	private static JdbcClient jdbc(ApiUnderTest app) {
		return app.app().bean(JdbcClient.class);
	}

	private static long keysExpiredBy(ApiUnderTest app, long now) {
		return jdbc(app).sql("SELECT COUNT(*) FROM idempotency_keys WHERE expires_at_ms <= ?")
			.param(now)
			.query(Long.class)
			.single();
	}

	private static boolean hasExpired(ApiUnderTest app, String key) {
		return jdbc(app).sql("SELECT COUNT(*) FROM idempotency_keys WHERE idempotency_key = ? AND expires_at_ms <= ?")
			.params(key, System.currentTimeMillis())
			.query(Long.class)
			.single() == 1;
	}

	private static String storedProductId(ApiUnderTest app, String key) {
		return jdbc(app)
			.sql("SELECT product_id FROM idempotency_keys WHERE idempotency_key = ? AND state = 'completed'")
			.param(key)
			.query(String.class)
			.single();
	}

	@ParameterizedTest
	@EnumSource(Databases.class)
	void anExpiredKeyIsTakenOverAndCreatesANewProduct(Databases database) {
		ApiUnderTest app = app(database);
		String key = UUID.randomUUID().toString();
		String name = "Expiring on " + database;
		Response first = post(app.api(), key, body(name, "10"));
		await("the key has expired").atMost(Duration.ofSeconds(30)).until(() -> hasExpired(app, key));

		Response second = post(app.api(), key, body(name, "10"));

		assertThat(second.status()).isEqualTo(201);
		assertThat(second.header("Idempotent-Replayed")).isNull();
		String secondId = second.json().get("id").asString();
		assertThat(secondId).isNotEqualTo(first.json().get("id").asString());
		assertThat(storedProductId(app, key)).isEqualTo(secondId);
		assertThat(productsNamed(app, name)).isEqualTo(2);
	}

	@ParameterizedTest
	@EnumSource(Databases.class)
	void anExpiredKeyMayBeUsedWithADifferentBody(Databases database) {
		ApiUnderTest app = app(database);
		String key = UUID.randomUUID().toString();
		String name = "Expired then reused on " + database;
		post(app.api(), key, body(name, "10"));
		await("the key has expired").atMost(Duration.ofSeconds(30)).until(() -> hasExpired(app, key));

		assertThat(post(app.api(), key, body(name, "11")).status()).isEqualTo(201);
	}

	@ParameterizedTest
	@EnumSource(Databases.class)
	void anAbandonedClaimIsTakenOverAndTheSlowRequestRollsBack(Databases database) throws Exception {
		ApiUnderTest app = app(database);
		String key = UUID.randomUUID().toString();
		String name = "Abandoned on " + database;
		CreateGate.Gate gate = CreateGate.hold(name);
		CompletableFuture<Response> slow = CompletableFuture.supplyAsync(() -> post(app.api(), key, body(name, "10")));
		AtomicReference<Response> takeover = new AtomicReference<>();
		try {
			gate.awaitEntered();
			// A duplicate is 409 while the claim is fresh, and takes it over once it is
			// older than the in-flight timeout.
			await("a duplicate takes the claim over").atMost(Duration.ofSeconds(30)).until(() -> {
				Response response = post(app.api(), key, body(name, "10"));
				assertThat(response.status()).isIn(201, 409);
				takeover.set(response);
				return response.status() == 201;
			});
		}
		finally {
			gate.release();
		}

		Response overtaken = slow.get();
		assertThat(overtaken.status()).isEqualTo(409);
		assertThat(overtaken.contentType()).isEqualTo("application/problem+json");
		assertThat(takeover.get().header("Idempotent-Replayed")).isNull();
		assertThat(productsNamed(app, name)).isEqualTo(1);
		assertThat(storedProductId(app, key)).isEqualTo(takeover.get().json().get("id").asString());
	}

	@ParameterizedTest
	@EnumSource(Databases.class)
	void thePurgeDeletesExpiredKeysInBatchesAndKeepsLiveOnes(Databases database) {
		ApiUnderTest app = app(database);
		List<String> keys = new ArrayList<>();
		for (int i = 0; i < 5; i++) {
			keys.add(UUID.randomUUID().toString());
			post(app.api(), keys.getLast(), body("Purged " + i + " on " + database, "10"));
		}
		await("the keys have expired").atMost(Duration.ofSeconds(30))
			.until(() -> keys.stream().allMatch((key) -> hasExpired(app, key)));
		String live = "live-" + UUID.randomUUID();
		jdbc(app).sql("""
				INSERT INTO idempotency_keys
				    (idempotency_key, fingerprint, state, claim_token, created_at_ms, expires_at_ms)
				VALUES (?, 'f', 'in_flight', ?, ?, ?)""")
			.params(live, UUID.randomUUID(), System.currentTimeMillis(), Long.MAX_VALUE)
			.update();
		long before = System.currentTimeMillis();

		int purged = app.app().bean(IdempotencyKeyPurge.class).purge();

		// Five keys in batches of two: the purge went on until a batch came back short.
		assertThat(purged).isGreaterThanOrEqualTo(5);
		assertThat(keysExpiredBy(app, before)).isZero();
		assertThat(jdbc(app).sql("SELECT idempotency_key FROM idempotency_keys").query(String.class).list())
			.doesNotContainAnyElementsOf(keys)
			.contains(live);
	}

}
