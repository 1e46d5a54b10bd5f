package dev.productapi.consistency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.productapi.support.Api;
import dev.productapi.support.Api.Response;
import dev.productapi.support.ApiUnderTest;
import dev.productapi.support.Consistency;
import dev.productapi.support.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A read/write load while Redis is killed, restarted, frozen and write-paused. No request
 * may fail, every acknowledged write must be visible afterwards, Redis must end with no
 * stale value, and the circuit breaker must keep a dead Redis from costing a timeout per
 * request: while Redis is down or frozen, only the reads in flight when it failed and one
 * probe per retry interval may wait on it.
 */
class RedisFaultsUnderLoadIT {

	private static final int IDS_PER_WRITER = 3;

	private static final int READERS = 6;

	private static final int WRITERS = 2;

	private static final Duration FAULT = Duration.ofMillis(1500);

	/**
	 * The circuit breaker's retry interval ({@code product-api.cache.retry-interval}).
	 */
	private static final Duration RETRY_INTERVAL = Duration.ofSeconds(1);

	@RegisterExtension
	static final ApiUnderTest app = ApiUnderTest.withSettings("REDIS_TIMEOUT_MS", "200");

	@Test
	void loadSurvivesKillRestartFreezeAndWritePause() throws Exception {
		Api api = app.api();
		TestRedis redis = app.redis();
		List<List<String>> owned = new ArrayList<>();
		List<String> allIds = Collections.synchronizedList(new ArrayList<>());
		for (int writer = 0; writer < WRITERS; writer++) {
			List<String> ids = new ArrayList<>();
			for (int i = 0; i < IDS_PER_WRITER; i++) {
				ids.add(api.create("Load " + writer + "-" + i, "1.00", 0));
			}
			owned.add(ids);
			allIds.addAll(ids);
		}
		Map<String, Integer> acknowledged = new ConcurrentHashMap<>();
		AtomicInteger serverErrors = new AtomicInteger();
		AtomicBoolean faulty = new AtomicBoolean();
		List<Long> faultReadMillis = Collections.synchronizedList(new ArrayList<>());
		AtomicBoolean running = new AtomicBoolean(true);
		double failedReadsWhileDownOrFrozen;

		try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int reader = 0; reader < READERS; reader++) {
				clients.submit(() -> {
					while (running.get()) {
						String id = allIds.get(ThreadLocalRandom.current().nextInt(allIds.size()));
						boolean duringFault = faulty.get();
						long start = System.nanoTime();
						Response response = api.get("/products/" + id);
						long millis = (System.nanoTime() - start) / 1_000_000;
						if (duringFault) {
							faultReadMillis.add(millis);
						}
						if (response.status() >= 500) {
							serverErrors.incrementAndGet();
						}
					}
				});
			}
			for (List<String> ids : owned) {
				clients.submit(() -> {
					int stock = 0;
					while (running.get()) {
						stock++;
						String id = ids.get(stock % ids.size());
						Response response = api.put("/products/" + id, "{\"stock_quantity\": " + stock + "}");
						if (response.status() == 200) {
							acknowledged.put(id, stock);
						}
						else {
							serverErrors.incrementAndGet();
						}
						if (stock % 25 == 0) {
							Response created = api.post("/products",
									"{\"name\":\"New\",\"price\":2,\"stock_quantity\":" + stock + "}");
							if (created.status() == 201) {
								allIds.add(created.json().get("id").asString());
							}
							else {
								serverErrors.incrementAndGet();
							}
						}
					}
				});
			}

			pause(1000);
			double errorsBefore = failedLookups();
			fault(faulty, redis::stop);
			pause(FAULT.toMillis());
			redis.start();
			faulty.set(false);
			pause(1000);
			fault(faulty, redis::freeze);
			pause(FAULT.toMillis());
			redis.thaw();
			faulty.set(false);
			failedReadsWhileDownOrFrozen = failedLookups() - errorsBefore;
			pause(1000);
			fault(faulty, () -> redis.pauseWrites(FAULT));
			pause(FAULT.toMillis());
			faulty.set(false);
			pause(1000);
			running.set(false);
		}

		assertThat(serverErrors.get()).as("5xx responses").isZero();
		await("the outbox drains").atMost(Duration.ofSeconds(15)).until(() -> app.app().pendingInvalidations() == 0);
		for (Map.Entry<String, Integer> write : acknowledged.entrySet()) {
			assertThat(api.get("/products/" + write.getKey()).json().get("stock_quantity").asInt())
				.as("stock of %s after its last acknowledged write", write.getKey())
				.isEqualTo(write.getValue());
		}
		for (String id : List.copyOf(allIds)) {
			assertThat(api.get("/products/" + id).status()).isEqualTo(200);
		}
		assertThat(Consistency.staleEntries(redis, app.app(), List.copyOf(allIds))).isEmpty();

		System.out.printf(
				"Faults under load: %d reads during faults (p50 %d ms, p99 %d ms, max %d ms), "
						+ "%.0f of them waited on a failing Redis%n",
				faultReadMillis.size(), percentile(faultReadMillis, 0.5), percentile(faultReadMillis, 0.99),
				percentile(faultReadMillis, 1.0), failedReadsWhileDownOrFrozen);
		assertThat(faultReadMillis).hasSizeGreaterThan(100);
		// Per fault: each client's request in flight when Redis failed, then one probe
		// per retry interval.
		long probesPerFault = FAULT.toMillis() / RETRY_INTERVAL.toMillis() + 1;
		assertThat(failedReadsWhileDownOrFrozen).as("reads that waited on Redis while it was down or frozen")
			.isLessThanOrEqualTo(2 * (READERS + WRITERS + probesPerFault));
	}

	private static double failedLookups() {
		return app.app().bean(MeterRegistry.class).counter("product.cache.requests", "result", "error").count();
	}

	private static void fault(AtomicBoolean faulty, Runnable fault) {
		faulty.set(true);
		fault.run();
	}

	private static long percentile(List<Long> values, double quantile) {
		List<Long> sorted = new ArrayList<>(values);
		Collections.sort(sorted);
		int index = (int) Math.ceil(quantile * sorted.size()) - 1;
		return sorted.get(Math.max(0, index));
	}

	private static void pause(long millis) throws InterruptedException {
		Thread.sleep(millis);
	}

}
