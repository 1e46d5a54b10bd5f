package dev.productapi.topology;

import java.time.Duration;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.function.Predicate;

import org.springframework.boot.test.system.CapturedOutput;

import dev.productapi.support.Api;
import dev.productapi.support.Api.Response;
import dev.productapi.support.RedisNode;
import dev.productapi.support.RedisSecurity;
import dev.productapi.support.RunningApp;
import dev.productapi.support.TestRedisCluster;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What the password and TLS tests check on each topology: that an API given the right
 * credentials and CA caches, and that one without them serves from the database.
 */
final class AuthAndTls {

	/** A seeded product that no test writes. */
	static final String SEEDED = "/products/00000000-0000-4000-8000-000000000002";

	private AuthAndTls() {
	}

	/**
	 * A fresh product is a MISS and then a HIT, found in Redis by the test's own
	 * (authenticated, TLS) client; a PUT removes it from Redis, and the next read is a
	 * MISS with the new price.
	 * @param inRedis whether Redis holds the key, as the test's own client sees it
	 */
	static void cachesAndInvalidates(Api api, Predicate<String> inRedis) {
		awaitCaching(api);
		String id = api.create("Secured", "1.00", 1);
		String path = "/products/" + id;

		Response miss = api.get(path);
		assertThat(miss.status()).isEqualTo(200);
		assertThat(miss.cache()).isEqualTo("MISS");
		Response hit = api.get(path);
		assertThat(hit.cache()).isEqualTo("HIT");
		assertThat(hit.body()).isEqualTo(miss.body());
		assertThat(inRedis.test("product:" + id)).as("product:" + id + " is in Redis").isTrue();

		assertThat(api.put(path, "{\"price\": 2.00}").status()).isEqualTo(200);
		assertThat(inRedis.test("product:" + id)).as("product:" + id + " is in Redis after the PUT").isFalse();
		Response afterPut = api.get(path);
		assertThat(afterPut.cache()).isEqualTo("MISS");
		assertThat(afterPut.json().get("price").decimalValue()).isEqualByComparingTo("2.00");
		assertThat(api.get(path).cache()).isEqualTo("HIT");
	}

	/**
	 * Products cached on every master of the cluster, and each removed from its master by
	 * a PUT: the API reaches every node, not only the one it was seeded with.
	 */
	static void cachesOnEveryMaster(Api api, TestRedisCluster cluster) {
		awaitCaching(api);
		Set<RedisNode> reached = new HashSet<>();
		List<RedisNode> masters = cluster.masters();
		for (int i = 0; i < 100 && reached.size() < masters.size(); i++) {
			String id = api.create("Sharded " + i, "1.00", 1);
			String key = "product:" + id;
			RedisNode master = cluster.masterFor(key);
			if (reached.contains(master)) {
				continue;
			}
			assertThat(api.get("/products/" + id).cache()).isEqualTo("MISS");
			assertThat(api.get("/products/" + id).cache()).isEqualTo("HIT");
			assertThat(master.commands().exists(key)).as(key + " on " + master).isEqualTo(1);
			assertThat(api.put("/products/" + id, "{\"stock_quantity\": 2}").status()).isEqualTo(200);
			assertThat(master.commands().exists(key)).as(key + " on " + master + " after the PUT").isZero();
			reached.add(master);
		}
		assertThat(reached).containsExactlyInAnyOrderElementsOf(masters);
	}

	/**
	 * Waits until the API caches a seeded product: the first connection of a fresh JVM
	 * (TLS handshakes included) may outlast a command timeout, which opens the breaker
	 * for a retry interval.
	 */
	static void awaitCaching(Api api) {
		await("the API caches " + SEEDED).atMost(Duration.ofSeconds(20))
			.until(() -> "HIT".equals(api.get(SEEDED).cache()));
	}

	/**
	 * The instance cannot use Redis, for the reason the log gives, and serves every read
	 * from the database: 200 with {@code X-Cache: BYPASS}, {@code /health} reporting
	 * Redis unavailable, no 5xx from reads or writes; and the password is in no log line.
	 */
	static void servesFromTheDatabase(RunningApp app, CapturedOutput output, String reason) {
		Api api = app.api();
		await("the instance logs why Redis is unavailable").atMost(Duration.ofSeconds(10))
			.until(() -> output.getOut().contains("Redis is unavailable") && output.getOut().contains(reason));
		for (int i = 0; i < 3; i++) {
			Response read = api.get(SEEDED);
			assertThat(read.status()).isEqualTo(200);
			assertThat(read.cache()).isEqualTo("BYPASS");
		}
		String id = api.create("Uncached", "3.00", 1);
		assertThat(api.put("/products/" + id, "{\"price\": 4.00}").status()).isEqualTo(200);
		Response read = api.get("/products/" + id);
		assertThat(read.status()).isEqualTo(200);
		assertThat(read.cache()).isEqualTo("BYPASS");
		assertThat(read.json().get("price").decimalValue()).isEqualByComparingTo("4.00");
		assertThat(api.get("/health").json().get("redis").asString()).isEqualTo("unavailable");
		assertThat(output.getOut()).as("the log").doesNotContain(RedisSecurity.PASSWORD);
	}

}
