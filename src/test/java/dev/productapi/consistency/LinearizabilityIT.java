package dev.productapi.consistency;

import java.time.Duration;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.productapi.support.Api;
import dev.productapi.support.ApiUnderTest;
import dev.productapi.support.Await;
import dev.productapi.support.HistoryLoad;
import dev.productapi.support.HistoryLoad.Result;
import dev.productapi.support.MissPathGate;
import dev.productapi.support.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The first promise, checked as a client sees it: no read sent after a write's response
 * arrived returns an older value. {@link HistoryLoad} runs writers and readers over HTTP
 * and records when each request was sent and answered;
 * {@link dev.productapi.support.History} compares every read with every write
 * acknowledged before it. Random delays after each database read widen the race windows
 * of the miss path.
 * <p>
 * Each run lasts {@code -Dhistory.seconds} (8 by default); longer runs find rarer races.
 * {@code -Dhistory.jitter.ms=0} runs without the delays, as plain clients would. The
 * negative controls switch a protection off and must see stale reads, which proves that
 * the check can.
 */
class LinearizabilityIT {

	private static final Duration RUN = Duration.ofSeconds(Long.getLong("history.seconds", 8));

	/**
	 * The longest random delay after each database read ({@code -Dhistory.jitter.ms}).
	 */
	private static final Duration JITTER = Duration.ofMillis(Long.getLong("history.jitter.ms", 5));

	private static final Duration FAULT = Duration.ofMillis(1500);

	@RegisterExtension
	static final ApiUnderTest plain = ApiUnderTest.withSettings().withSources(MissPathGate.class);

	@RegisterExtension
	static final ApiUnderTest faulty = ApiUnderTest.withSettings("REDIS_TIMEOUT_MS", "200")
		.withSources(MissPathGate.class);

	@RegisterExtension
	static final ApiUnderTest near = ApiUnderTest.withSettings("CACHE_NEAR_ENABLED", "true")
		.withSources(MissPathGate.class);

	@RegisterExtension
	static final ApiUnderTest twoInstances = ApiUnderTest.withSettings().instances(2).withSources(MissPathGate.class);

	@RegisterExtension
	static final ApiUnderTest withoutJoinerCheck = ApiUnderTest
		.withSettings("product-api.cache.joiner-trust-check", "false")
		.withSources(MissPathGate.class);

	@RegisterExtension
	static final ApiUnderTest withoutLeases = ApiUnderTest
		.withSettings("product-api.cache.stale-set-protection", "false")
		.withSources(MissPathGate.class);

	@BeforeAll
	static void widenRaceWindows() {
		MissPathGate.jitter(JITTER);
	}

	@AfterAll
	static void noJitter() {
		MissPathGate.jitter(Duration.ZERO);
	}

	@Test
	void noStaleReadOnOneInstance() throws Exception {
		assertNoStaleRead(HistoryLoad.named("one instance", plain.api()).run(RUN, () -> {
		}));
	}

	@Test
	void noStaleReadWhileRedisIsFrozenKilledAndWritePaused() throws Exception {
		TestRedis redis = faulty.redis();
		Result result = HistoryLoad.named("Redis faults", faulty.api()).run(RUN.plus(FAULT.multipliedBy(3)), () -> {
			Await.pause(RUN.dividedBy(4));
			redis.freeze();
			Await.pause(FAULT);
			redis.thaw();
			Await.pause(RUN.dividedBy(4));
			redis.stop();
			Await.pause(FAULT);
			redis.start();
			Await.pause(RUN.dividedBy(4));
			redis.pauseWrites(FAULT);
		});

		assertNoStaleRead(result);
		await("the outbox drains").atMost(Duration.ofSeconds(15)).until(() -> faulty.app().pendingInvalidations() == 0);
	}

	@Test
	void noStaleReadWithTheNearCache() throws Exception {
		await("the near cache tracks Redis").atMost(Duration.ofSeconds(10)).until(LinearizabilityIT::nearCacheServes);

		Result result = HistoryLoad.named("near cache", near.api()).run(RUN, () -> {
		});

		assertNoStaleRead(result);
		assertThat(near.app().counter("product.cache.near.hits")).as("reads served from memory").isPositive();
	}

	@Test
	void noStaleReadAcrossTwoInstances() throws Exception {
		assertNoStaleRead(
				HistoryLoad.named("two instances", twoInstances.instance(0).api(), twoInstances.instance(1).api())
					.run(RUN, () -> {
					}));
	}

	@Test
	void withoutTheJoinerCheckTheHistoryHasStaleReads() throws Exception {
		Result result = HistoryLoad.named("negative control: no joiner check", withoutJoinerCheck.api())
			.run(RUN, () -> {
			});

		assertThat(result.history().staleReads()).as("stale reads without the joiner check").isNotEmpty();
	}

	@Test
	void withoutLeasesTheHistoryHasStaleReads() throws Exception {
		Result result = HistoryLoad.named("negative control: no leases", withoutLeases.api()).run(RUN, () -> {
		});

		assertThat(result.history().staleReads()).as("stale reads without leases").isNotEmpty();
	}

	private static void assertNoStaleRead(Result result) {
		assertThat(result.history().reads()).as("reads checked").isGreaterThan(1000);
		assertThat(result.history().writes()).as("acknowledged writes").isGreaterThan(100);
		assertThat(result.history().staleReads()).as("stale reads").isEmpty();
		assertThat(result.serverErrors()).as("5xx responses").isZero();
		assertThat(result.unanswered()).as("requests without an answer").isZero();
	}

	/**
	 * Whether a product read three times is served from memory the third time: the first
	 * read fills Redis, the second brings the value into memory.
	 */
	private static boolean nearCacheServes() {
		Api api = near.api();
		String path = "/products/" + api.create("Probe", "1.00", 1);
		double before = near.app().counter("product.cache.near.hits");
		api.get(path);
		api.get(path);
		api.get(path);
		return near.app().counter("product.cache.near.hits") > before;
	}

}
