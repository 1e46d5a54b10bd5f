package dev.productapi.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.productapi.support.Api;
import dev.productapi.support.Api.Response;
import dev.productapi.support.ApiUnderTest;
import dev.productapi.support.Await;
import dev.productapi.support.Failover;
import dev.productapi.support.ReplicationHold;
import dev.productapi.support.TestTime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A Sentinel failover that loses an acknowledged delete, forced deterministically: the
 * product is cached, replication to the replica is held back, a write's {@code DEL}
 * reaches the master only, the master crashes, and the sentinels promote the replica,
 * which still holds the old value. With invalidations waiting for the replicas (the
 * default) no read returns the old value; with that switched off, the new master serves
 * it, which proves this test can see the bug.
 */
class SentinelFailoverIT {

	/**
	 * No read may return a value older than an acknowledged write this long after the new
	 * master accepts writes.
	 */
	private static final Duration BOUND = Duration.ofSeconds(1);

	private static final Pattern PRICE = Pattern.compile("\"price\":([0-9.]+)");

	@RegisterExtension
	static final ApiUnderTest withAcknowledgement = ApiUnderTest.withSettings().onSentinel();

	@RegisterExtension
	static final ApiUnderTest withoutAcknowledgement = ApiUnderTest
		.withSettings("product-api.redis.replica-acknowledgement", "false")
		.onSentinel();

	@Test
	void withReplicaAcknowledgementNoReadReturnsTheDeletedValue() {
		Observed observed = failoverThatLosesTheDeleteOf(withAcknowledgement);

		assertThat(observed.stale()).as("reads of the old value after the write returned").isEmpty();
		assertThat(observed.reads()).anySatisfy((read) -> {
			assertThat(read.cache()).isEqualTo("HIT");
			assertThat(read.price()).isEqualTo("2.00");
		});
		System.out.printf(
				"Sentinel failover: new master writable %d ms after the crash; caching resumed %d ms after it%n",
				observed.failover().untilWritable().toMillis(),
				Duration.between(observed.failover().disruptedAt(), observed.cachingResumedAt()).toMillis());
	}

	@Test
	void withoutItTheNewMasterServesTheDeletedValueBeyondTheBound() {
		Observed observed = failoverThatLosesTheDeleteOf(withoutAcknowledgement);

		Instant bound = observed.failover().writableAt().plus(BOUND);
		assertThat(observed.stale()).anySatisfy((read) -> assertThat(read.at()).isAfter(bound));
	}

	private static Observed failoverThatLosesTheDeleteOf(ApiUnderTest app) {
		Api api = app.api();
		String path = "/products/" + api.create("Failover", "1.00", 1);
		await("the product is cached").atMost(Duration.ofSeconds(10)).until(() -> "HIT".equals(api.get(path).cache()));
		Failover failover;
		try (ReplicationHold hold = app.sentinel().holdBackReplication()) {
			assertThat(api.put(path, "{\"price\": 2.00}").status()).isEqualTo(200);
			hold.crashMaster();
			failover = app.sentinel().awaitFailover(Duration.ofSeconds(30));
		}
		// Read past the bound, and until the API caches from the new master or long
		// enough to be sure it never will.
		List<Read> reads = new ArrayList<>();
		Instant cachingResumedAt = null;
		Instant pastTheBound = failover.writableAt().plus(BOUND).plusSeconds(1);
		Instant deadline = failover.writableAt().plusSeconds(20);
		while ((cachingResumedAt == null || TestTime.now().isBefore(pastTheBound))
				&& TestTime.now().isBefore(deadline)) {
			Response response = api.get(path);
			assertThat(response.status()).isEqualTo(200);
			Read read = new Read(TestTime.now(), priceOf(response), response.cache());
			reads.add(read);
			if ("HIT".equals(read.cache()) && cachingResumedAt == null) {
				cachingResumedAt = read.at();
			}
			Await.pause(Duration.ofMillis(20));
		}
		return new Observed(failover, reads, cachingResumedAt);
	}

	private static String priceOf(Response response) {
		Matcher price = PRICE.matcher(response.body());
		assertThat(price.find()).as(response.body()).isTrue();
		return price.group(1);
	}

	private record Read(Instant at, String price, String cache) {
	}

	private record Observed(Failover failover, List<Read> reads, Instant cachingResumedAt) {

		List<Read> stale() {
			return this.reads.stream().filter((read) -> read.price().equals("1.00")).toList();
		}

	}

}
