package dev.productapi.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.productapi.support.Api;
import dev.productapi.support.ApiUnderTest;
import dev.productapi.support.Await;
import dev.productapi.support.Consistency;
import dev.productapi.support.Failover;
import dev.productapi.support.RedisNode;
import dev.productapi.support.TestRedisCluster;
import dev.productapi.support.TestTime;
import dev.productapi.topology.StockLoad.Read;
import dev.productapi.topology.StockLoad.StaleRead;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Two instances under a read/write load on a Redis Cluster, one of whose masters crashes:
 * no request fails, no read returns a stock older than an acknowledged write later than
 * {@link #BOUND} after the promoted replica accepted writes, every acknowledged write is
 * visible afterwards, Redis ends with no entry that disagrees with the database, and
 * caching resumes for the keys of the failed-over slots, on the promoted replica.
 */
class ClusterFailoverUnderLoadIT {

	/**
	 * No read may return a value older than an acknowledged write this long after the
	 * promoted replica accepts writes, as for Sentinel.
	 */
	private static final Duration BOUND = Duration.ofSeconds(1);

	private static final int PRODUCTS = 30;

	private static final int READERS = 4;

	private static final int WRITERS = 2;

	private static final Duration BEFORE_THE_CRASH = Duration.ofMillis(1500);

	/** How long the load goes on after the bound and after caching resumed. */
	private static final Duration AFTERWARDS = Duration.ofSeconds(2);

	@RegisterExtension
	static final ApiUnderTest app = ApiUnderTest.withSettings().onCluster().instances(2);

	private final TestRedisCluster cluster = app.cluster();

	@Test
	void aMasterCrashUnderLoadLosesNoWriteAndLeavesNoStaleEntry() {
		List<Api> instances = List.of(app.instance(0).api(), app.instance(1).api());
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < PRODUCTS; i++) {
			ids.add(instances.get(i % 2).create("Load " + i, "1.00", 0));
		}
		List<String> probes = twoProductsOnOneMaster(instances.get(0));
		RedisNode victim = this.cluster.masterFor("product:" + probes.get(0));
		assertThat(ids).as("products under load on %s", victim)
			.anyMatch((id) -> this.cluster.masterFor("product:" + id) == victim);

		StockLoad load = new StockLoad(instances, ids, READERS, WRITERS);
		Failover failover;
		List<Instant> resumedAt;
		try (load) {
			load.start();
			Await.pause(BEFORE_THE_CRASH);
			victim.kill();
			failover = this.cluster.awaitFailover(victim, Duration.ofSeconds(30));
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
				"Cluster under load: %s; caching resumed %d ms (instance 0) and %d ms (instance 1) after the crash; "
						+ "%d reads, %d acknowledged writes; stale reads: %d before the bound, %d after it%n",
				failover, StockLoad.millisBetween(failover.disruptedAt(), resumedAt.get(0)),
				StockLoad.millisBetween(failover.disruptedAt(), resumedAt.get(1)), reads.size(), load.writes(),
				stale.size() - beyondTheBound.size(), beyondTheBound.size());
		System.out.printf(
				"Cluster under load: writes p50 / p99 / max: before the crash %s, from the crash until "
						+ "the failover was complete %s, afterwards %s%n",
				load.writeMillis(Instant.MIN, failover.disruptedAt()),
				load.writeMillis(failover.disruptedAt(), failover.completedAt()),
				load.writeMillis(failover.completedAt(), Instant.MAX));
		stale.forEach((read) -> System.out.println("  stale: " + read + ", its key "
				+ ((this.cluster.masterFor("product:" + read.read().id()) == failover.newMaster())
						? "on the failed-over slots" : "on a master that stayed up")));

		assertThat(load.serverErrors()).as("5xx responses").isEmpty();
		assertThat(load.otherFailures()).as("other failed requests").isEmpty();
		assertThat(beyondTheBound).as("reads of an older stock than an acknowledged write, after %s", bound).isEmpty();
		for (String probe : probes) {
			assertThat(this.cluster.masterFor("product:" + probe)).as("the master of a probe's key")
				.isSameAs(failover.newMaster());
		}

		await("the outbox drains").atMost(Duration.ofSeconds(15)).until(() -> app.app().pendingInvalidations() == 0);
		load.assertLastWritesVisible();
		assertThat(Consistency.staleEntries(this.cluster.commands(), app.app(), ids))
			.as("entries in the cluster that disagree with the database")
			.isEmpty();
	}

	/**
	 * Two products never read, whose keys are on the same master: the one to crash. Each
	 * instance reads one of them to tell when it caches on the promoted replica.
	 */
	private List<String> twoProductsOnOneMaster(Api api) {
		Map<RedisNode, List<String>> byMaster = new HashMap<>();
		for (int i = 0; i < 10; i++) {
			String id = api.create("Probe " + i, "1.00", 0);
			List<String> onMaster = byMaster.computeIfAbsent(this.cluster.masterFor("product:" + id),
					(master) -> new ArrayList<>());
			onMaster.add(id);
			if (onMaster.size() == 2) {
				return onMaster;
			}
		}
		throw new IllegalStateException("No two of ten products on one of three masters");
	}

}
