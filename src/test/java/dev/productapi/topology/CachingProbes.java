package dev.productapi.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.List;

import dev.productapi.support.Api;
import dev.productapi.support.Api.Response;
import dev.productapi.support.Await;
import dev.productapi.support.TestTime;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tells when caching resumed after a failover: one product per instance, created before
 * the failover and never read before it, is read through its instance only, every 20 ms,
 * until the instance serves it from Redis. Since no one else reads it, that HIT is the
 * instance's own fill on the new master, so it must follow a MISS (reads while Redis was
 * unusable are BYPASS). Then each instance must also HIT the other's product: they share
 * the new master.
 */
final class CachingProbes {

	private static final Duration POLL = Duration.ofMillis(20);

	private CachingProbes() {
	}

	/**
	 * Reads {@code ids.get(i)} through {@code instances.get(i)} until each was a HIT, and
	 * returns when each instance first served its product from the cache.
	 */
	static List<Instant> awaitCachingResumed(List<Api> instances, List<String> ids, Duration timeout) {
		int count = instances.size();
		List<List<String>> seen = new ArrayList<>();
		List<Instant> resumedAt = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			seen.add(new ArrayList<>());
			resumedAt.add(null);
		}
		long deadline = System.nanoTime() + timeout.toNanos();
		while (resumedAt.contains(null)) {
			for (int i = 0; i < count; i++) {
				if (resumedAt.get(i) != null) {
					continue;
				}
				Response response = instances.get(i).get("/products/" + ids.get(i));
				assertThat(response.status()).as("probe read on instance %d", i).isEqualTo(200);
				seen.get(i).add(response.cache());
				if ("HIT".equals(response.cache())) {
					resumedAt.set(i, TestTime.now());
				}
			}
			if (System.nanoTime() - deadline > 0) {
				throw new AssertionError("Caching did not resume within " + timeout.toMillis() + " ms: " + seen);
			}
			Await.pause(POLL);
		}
		for (int i = 0; i < count; i++) {
			List<String> beforeHit = seen.get(i).subList(0, seen.get(i).size() - 1);
			assertThat(beforeHit.stream().filter((status) -> !status.equals("BYPASS")).toList())
				.as("what instance %d served before its first HIT of a product only it reads: %s", i, seen.get(i))
				.endsWith("MISS");
		}
		for (int i = 0; i < count; i++) {
			Api api = instances.get(i);
			String other = ids.get((i + 1) % count);
			await("instance " + i + " serves the other instance's fill from the cache").atMost(timeout)
				.until(() -> "HIT".equals(api.get("/products/" + other).cache()));
		}
		return resumedAt;
	}

}
