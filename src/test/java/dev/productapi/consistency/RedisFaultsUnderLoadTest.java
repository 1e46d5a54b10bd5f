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

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.productapi.cache.InvalidationOutbox;
import dev.productapi.support.Api;
import dev.productapi.support.Api.Response;
import dev.productapi.support.ApiUnderTest;
import dev.productapi.support.Await;
import dev.productapi.support.Consistency;
import dev.productapi.support.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A read/write load while Redis is killed, restarted, frozen and write-paused. No request may
 * fail, every acknowledged write must be visible afterwards, Redis must end with no stale
 * value, and reads during the faults must stay within the Redis timeout budget: the circuit
 * breaker makes a dead Redis cost next to nothing per request.
 */
class RedisFaultsUnderLoadTest {

	private static final int REDIS_TIMEOUT_MS = 200;

	/** The command timeout, plus headroom for a database read on a busy two-core machine. */
	private static final long P99_BUDGET_MS = REDIS_TIMEOUT_MS + 100;

	private static final int IDS_PER_WRITER = 3;

	private static final int WRITERS = 2;

	@RegisterExtension
	static final ApiUnderTest app = ApiUnderTest.withSettings("REDIS_TIMEOUT_MS", String.valueOf(REDIS_TIMEOUT_MS));

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

		try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int reader = 0; reader < 6; reader++) {
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
							Response created = api.post("/products", "{\"name\":\"New\",\"price\":2,\"stock_quantity\":" + stock + "}");
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
			fault(faulty, redis::stop);
			pause(1500);
			redis.start();
			faulty.set(false);
			pause(1000);
			fault(faulty, redis::freeze);
			pause(1500);
			redis.thaw();
			faulty.set(false);
			pause(1000);
			fault(faulty, () -> redis.pauseWrites(Duration.ofMillis(1500)));
			pause(1500);
			faulty.set(false);
			pause(1000);
			running.set(false);
		}

		assertThat(serverErrors.get()).as("5xx responses").isZero();
		Await.until("the outbox drains", Duration.ofSeconds(15), () -> app.app().bean(InvalidationOutbox.class).size() == 0);
		for (Map.Entry<String, Integer> write : acknowledged.entrySet()) {
			assertThat(api.get("/products/" + write.getKey()).json().get("stock_quantity").asInt())
				.as("stock of %s after its last acknowledged write", write.getKey())
				.isEqualTo(write.getValue());
		}
		for (String id : List.copyOf(allIds)) {
			assertThat(api.get("/products/" + id).status()).isEqualTo(200);
		}
		assertThat(Consistency.staleEntries(redis, app.app(), List.copyOf(allIds))).isEmpty();

		long p99 = percentile(faultReadMillis, 0.99);
		System.out.printf("Faults under load: %d reads during faults, p50 %d ms, p99 %d ms, max %d ms%n",
				faultReadMillis.size(), percentile(faultReadMillis, 0.5), p99, percentile(faultReadMillis, 1.0));
		assertThat(faultReadMillis).hasSizeGreaterThan(100);
		assertThat(p99).as("GET p99 in ms while Redis was failing").isLessThanOrEqualTo(P99_BUDGET_MS);
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
