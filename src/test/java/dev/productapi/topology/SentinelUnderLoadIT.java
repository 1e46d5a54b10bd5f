package dev.productapi.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.productapi.support.Api;
import dev.productapi.support.ApiUnderTest;
import dev.productapi.support.Await;
import dev.productapi.support.Consistency;
import dev.productapi.support.Failover;
import dev.productapi.support.TestTime;
import dev.productapi.topology.StockLoad.Read;
import dev.productapi.topology.StockLoad.StaleRead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances under a read/write load on a Sentinel group whose master crashes: no
 * request fails, no acknowledged write is lost, no read returns a stock older than an
 * acknowledged write later than {@link #BOUND} after the new master accepted writes, and
 * caching resumes on the new master.
 */
class SentinelUnderLoadIT {

	/**
	 * No read may return a value older than an acknowledged write this long after the new
	 * master accepts writes.
	 */
	private static final Duration BOUND = Duration.ofSeconds(1);

	private static final int PRODUCTS = 30;

	private static final int READERS = 4;

	private static final int WRITERS = 2;

	private static final Duration BEFORE_THE_CRASH = Duration.ofMillis(1500);

	/** How long the load goes on after the bound and after caching resumed. */
	private static final Duration AFTERWARDS = Duration.ofSeconds(2);

	@RegisterExtension
	static final ApiUnderTest app = ApiUnderTest.withSettings().onSentinel().instances(2);

	@Test
	void aMasterCrashUnderLoadLosesNoWriteAndServesNoStaleStockBeyondTheBound() {
		List<Api> instances = List.of(app.instance(0).api(), app.instance(1).api());
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < PRODUCTS; i++) {
			ids.add(instances.get(i % 2).create("Load " + i, "1.00", 0));
		}
		List<String> probes = List.of(instances.get(0).create("Probe 0", "1.00", 0),
				instances.get(1).create("Probe 1", "1.00", 0));

		StockLoad load = new StockLoad(instances, ids, READERS, WRITERS);
		Failover failover;
		List<Instant> resumedAt;
		try (load) {
			load.start();
			Await.pause(BEFORE_THE_CRASH);
			app.sentinel().master().kill();
			failover = app.sentinel().awaitFailover(Duration.ofSeconds(30));
			resumedAt = CachingProbes.awaitCachingResumed(instances, probes, Duration.ofSeconds(20));
			Instant end = Collections.max(List.of(failover.writableAt().plus(BOUND), Collections.max(resumedAt)))
				.plus(AFTERWARDS);
			Await.pause(Duration.between(TestTime.now(), end));
		}

		Instant bound = failover.writableAt().plus(BOUND);
		List<Read> reads = load.reads();
		List<StaleRead> stale = load.staleReads();
		List<StaleRead> beyondTheBound = stale.stream().filter((read) -> read.returnedAt().isAfter(bound)).toList();
		System.out.printf(
				"Sentinel under load: %s; caching resumed %d ms (instance 0) and %d ms (instance 1) after the crash; "
						+ "%d reads (%d HITs after the bound), %d acknowledged writes; "
						+ "stale reads: %d before the bound, %d after it%n",
				failover, StockLoad.millisBetween(failover.disruptedAt(), resumedAt.get(0)),
				StockLoad.millisBetween(failover.disruptedAt(), resumedAt.get(1)), reads.size(),
				reads.stream()
					.filter((read) -> read.cache().equals("HIT") && load.instantOf(read.beganNanos()).isAfter(bound))
					.count(),
				load.writes(), stale.size() - beyondTheBound.size(), beyondTheBound.size());
		System.out.printf(
				"Sentinel under load: writes p50 / p99 / max: before the crash %s, from the crash until "
						+ "the failover was complete %s, afterwards %s%n",
				load.writeMillis(Instant.MIN, failover.disruptedAt()),
				load.writeMillis(failover.disruptedAt(), failover.completedAt()),
				load.writeMillis(failover.completedAt(), Instant.MAX));
		stale.forEach((read) -> System.out.println("  stale: " + read));

		assertThat(load.serverErrors()).as("5xx responses").isEmpty();
		assertThat(load.otherFailures()).as("other failed requests").isEmpty();
		assertThat(beyondTheBound).as("reads of an older stock than an acknowledged write, after %s", bound).isEmpty();
		assertThat(reads).as("cache hits after the bound, where a stale entry would have shown")
			.anyMatch((read) -> read.cache().equals("HIT") && load.instantOf(read.beganNanos()).isAfter(bound));

		await("the outbox drains").atMost(Duration.ofSeconds(15)).until(() -> app.app().pendingInvalidations() == 0);
		load.assertLastWritesVisible();
		assertThat(Consistency.staleEntries(app.sentinel().master().commands(), app.app(), ids))
			.as("entries on the new master that disagree with the database")
			.isEmpty();
	}

}
