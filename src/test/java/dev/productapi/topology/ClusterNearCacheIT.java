package dev.productapi.topology;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.productapi.support.ApiUnderTest;
import dev.productapi.support.RedisMonitor;
import dev.productapi.support.RedisNode;
import dev.productapi.support.RunningApp;
import dev.productapi.support.TestRedisCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The near cache on a Redis Cluster, with two instances: each tracks every master, so for
 * keys on every master, instance A serves repeated reads from memory without asking
 * Redis, and a write through instance B reaches A through the owning master's
 * invalidation push.
 */
class ClusterNearCacheIT {

	/**
	 * How soon A must see B's write: the push is immediate, this is for a busy machine.
	 */
	private static final Duration PROPAGATION = Duration.ofSeconds(2);

	/**
	 * How long tracking may take to start on every master: the near cache retries every
	 * second ({@code product-api.cache.retry-interval}).
	 */
	private static final Duration TRACKING_STARTS = Duration.ofSeconds(15);

	@RegisterExtension
	static final ApiUnderTest app = ApiUnderTest.withSettings("CACHE_NEAR_ENABLED", "true").onCluster().instances(2);

	private final RunningApp a = app.instance(0);

	private final RunningApp b = app.instance(1);

	private final TestRedisCluster cluster = app.cluster();

	@Test
	void onEveryMasterReadsAreServedFromMemoryUntilAnotherInstanceWrites() {
		Map<RedisNode, String> idPerMaster = productPerMaster();
		assertThat(idPerMaster).as("a product on each master").hasSize(3);

		for (Map.Entry<RedisNode, String> entry : idPerMaster.entrySet()) {
			RedisNode owner = entry.getKey();
			String key = "product:" + entry.getValue();
			String path = "/products/" + entry.getValue();
			awaitNearHit(path, "instance A serves " + key + " (on " + owner + ") from its near cache");

			try (RedisMonitor monitor = RedisMonitor.start(owner)) {
				double nearHits = this.a.counter("product.cache.near.hits");
				for (int i = 0; i < 3; i++) {
					assertThat(this.a.api().get(path).cache()).isEqualTo("HIT");
				}
				assertThat(this.a.counter("product.cache.near.hits") - nearHits).as("near hits").isEqualTo(3);
				assertThat(monitor.commandsOn(key)).as("commands on %s at %s for near hits", key, owner).isEmpty();
			}

			assertThat(this.b.api().put(path, "{\"price\": 2.00}").status()).isEqualTo(200);

			await("instance A sees instance B's write of " + key + " (on " + owner + ")").atMost(PROPAGATION)
				.until(() -> this.a.api().get(path).body().contains("\"price\":2.00"));
			awaitNearHit(path, "instance A serves the new value of " + key + " from its near cache");
			assertThat(this.a.api().get(path).body()).contains("\"price\":2.00");
		}
	}

	/** A product whose key lands on each master, created until there is one for each. */
	private Map<RedisNode, String> productPerMaster() {
		Map<RedisNode, String> ids = new LinkedHashMap<>();
		List<RedisNode> masters = this.cluster.masters();
		for (int i = 0; ids.size() < masters.size() && i < 100; i++) {
			String id = this.a.api().create("Near " + i, "1.00", 1);
			ids.putIfAbsent(this.cluster.masterFor("product:" + id), id);
		}
		return ids;
	}

	private void awaitNearHit(String path, String description) {
		await(description).atMost(TRACKING_STARTS).until(() -> {
			double before = this.a.counter("product.cache.near.hits");
			this.a.api().get(path);
			return this.a.counter("product.cache.near.hits") > before;
		});
	}

}
