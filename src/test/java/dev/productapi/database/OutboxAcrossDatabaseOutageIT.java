package dev.productapi.database;

import java.time.Duration;
import java.util.List;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Order;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.productapi.database.ReadRecorder.Read;
import dev.productapi.support.Api;
import dev.productapi.support.ApiUnderTest;
import dev.productapi.support.RunningApp;
import dev.productapi.support.TestPostgres;
import dev.productapi.support.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A committed write whose cache invalidation could not reach Redis, and then the database
 * goes away before the outbox has delivered it: Redis comes back still holding the old
 * value while the outbox is out of reach. No read may return the old value after the
 * write's 200, and once the database is back the outbox delivers and drains by itself.
 */
class OutboxAcrossDatabaseOutageIT {

	@RegisterExtension
	@Order(1)
	static final TestPostgres postgres = new TestPostgres();

	@RegisterExtension
	@Order(2)
	static final ApiUnderTest app = ApiUnderTest.withSettings("DATABASE_URL", postgres.url(), "DATABASE_TIMEOUT_MS",
			"1000", "REDIS_TIMEOUT_MS", "200");

	private final Api api = app.api();

	private final TestRedis redis = app.redis();

	private final RunningApp instance = app.app();

	@AfterEach
	void everythingBack() {
		this.redis.thawIfFrozen();
		this.redis.unpause();
		postgres.start();
	}

	@Test
	void aWriteDuringARedisFreezeThenADatabaseOutageIsNeverReadStale() {
		neverStaleAcrossBothOutages("1.00", "2.00", this.redis::freeze, this.redis::thaw);
	}

	@Test
	void aWriteWhileRedisRefusesWritesThenADatabaseOutageIsNeverReadStale() {
		// Redis keeps serving the old value to anyone who asks, all along.
		neverStaleAcrossBothOutages("3.00", "4.00", () -> this.redis.pauseWrites(Duration.ofSeconds(60)),
				this.redis::unpause);
	}

	private void neverStaleAcrossBothOutages(String oldPrice, String newPrice, Runnable disruptRedis,
			Runnable restoreRedis) {
		String id = this.api.create("Outbox", oldPrice, 1);
		String path = "/products/" + id;
		await("the product is cached").atMost(Duration.ofSeconds(5))
			.until(() -> "HIT".equals(this.api.get(path).cache()));

		disruptRedis.run();
		assertThat(this.api.put(path, "{\"price\": " + newPrice + "}").status()).isEqualTo(200);
		ReadRecorder recorder = ReadRecorder.start(this.api, path);
		recorder.awaitMoreReads(2);

		postgres.stop();
		recorder.awaitMoreReads(2);
		restoreRedis.run();
		// Redis is back with the old value and the outbox is out of reach: long enough
		// for
		// Redis's circuit breaker to close again.
		recorder.awaitMoreReads(5);
		postgres.start();

		await("a read returns the new price").atMost(Duration.ofSeconds(15))
			.until(() -> newPrice.equals(recorder.last().price()));
		// NaN while the API finds the database unavailable
		await("the outbox drains").atMost(Duration.ofSeconds(15))
			.until(() -> this.instance.gauge("product.cache.invalidations.pending") == 0.0);
		recorder.awaitMoreReads(3);
		List<Read> reads = recorder.stop();

		System.out.println("[OutboxAcrossDatabaseOutageIT] reads after the write's 200, by status: "
				+ ReadRecorder.statuses(reads));
		assertThat(reads).as("reads that returned the old price").noneMatch((read) -> oldPrice.equals(read.price()));
		assertThat(reads).as("reads answered other than 200 or 503")
			.allMatch((read) -> read.status() == 200 || read.status() == 503);
		assertThat(reads.getLast().price()).isEqualTo(newPrice);
		String cached = this.redis.commands().get("product:" + id);
		assertThat(cached == null || cached.contains("\"price\":" + newPrice)).as("Redis holds " + cached).isTrue();
	}

}
