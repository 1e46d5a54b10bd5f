package dev.productapi.consistency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.productapi.support.Api;
import dev.productapi.support.ApiUnderTest;
import dev.productapi.support.Consistency;
import dev.productapi.support.MissPathGate;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Many readers and writers on a few hot ids, with random delays on the miss path to widen
 * every race window. Afterwards every cached value must equal its database row.
 */
class RandomizedRaceIT {

	private static final Duration RUN_TIME = Duration.ofSeconds(4);

	private static final int HOT_IDS = 4;

	/** A short TTL keeps entries expiring, so every path of the protocol stays busy. */
	@RegisterExtension
	static final ApiUnderTest app = ApiUnderTest.withSettings("CACHE_TTL_SECONDS", "2").withSources(MissPathGate.class);

	@AfterEach
	void noJitter() {
		MissPathGate.jitter(Duration.ZERO);
	}

	@Test
	void everyCachedValueEqualsTheDatabaseAfterConcurrentReadsAndWrites() throws Exception {
		Api api = app.api();
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < HOT_IDS; i++) {
			ids.add(api.create("Hot " + i, "1.00", 0));
		}
		MissPathGate.jitter(Duration.ofMillis(3));
		AtomicInteger reads = new AtomicInteger();
		AtomicInteger writes = new AtomicInteger();
		AtomicInteger failures = new AtomicInteger();
		long end = System.nanoTime() + RUN_TIME.toNanos();

		try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int reader = 0; reader < 12; reader++) {
				clients.submit(() -> {
					while (System.nanoTime() < end) {
						String id = ids.get(ThreadLocalRandom.current().nextInt(HOT_IDS));
						count(api.get("/products/" + id).status(), reads, failures);
					}
				});
			}
			for (int writer = 0; writer < 3; writer++) {
				clients.submit(() -> {
					while (System.nanoTime() < end) {
						String id = ids.get(ThreadLocalRandom.current().nextInt(HOT_IDS));
						int stock = ThreadLocalRandom.current().nextInt(1_000_000);
						count(api.put("/products/" + id, "{\"stock_quantity\": " + stock + "}").status(), writes,
								failures);
					}
				});
			}
		}
		MissPathGate.jitter(Duration.ZERO);

		assertThat(failures.get()).isZero();
		assertThat(reads.get()).isGreaterThan(100);
		assertThat(writes.get()).isGreaterThan(20);
		await("the outbox drains").atMost(Duration.ofSeconds(10)).until(() -> app.app().pendingInvalidations() == 0);
		assertThat(Consistency.staleEntries(app.redis(), app.app(), ids)).isEmpty();
		System.out.printf("Randomized race: %d reads, %d writes, %.0f stale sets prevented%n", reads.get(),
				writes.get(), app.app().counter("product.cache.stale.sets.prevented"));
	}

	private static void count(int status, AtomicInteger ok, AtomicInteger failures) {
		(status == 200 ? ok : failures).incrementAndGet();
	}

}
