package dev.productapi.topology;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.productapi.support.Api;
import dev.productapi.support.Api.Response;
import dev.productapi.support.ApiUnderTest;
import dev.productapi.support.RedisMonitor;
import dev.productapi.support.RedisMonitor.Command;
import dev.productapi.support.RedisNode;
import dev.productapi.support.TestRedisCluster;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The cache-aside protocol on a Redis Cluster, observed on the master that owns each
 * key's slot: a miss, a hit and a write send there exactly what they send to a single
 * server, plus a {@code WAIT} for the master's replica after each delete; invalidation
 * works whichever master owns the key; and a stampede on a cold key costs one database
 * read.
 */
class ClusterContractIT {

	/** Every master of the test Cluster has one replica. */
	private static final int REPLICAS = 1;

	/**
	 * Generous, so that a slow replica on a busy machine cannot turn a delete into a
	 * retried one: this test is about which commands are sent, not how fast.
	 */
	private static final int ACK_TIMEOUT_MS = 500;

	private static final int LEASE_TTL_SECONDS = 2;

	/**
	 * The outbox task redelivers every outbox row it finds, and a write's row exists from
	 * its commit until its own delete is confirmed; a task run in that window sends a
	 * second, harmless DEL (seen once in six runs). Running the task only at start-up
	 * leaves each write's own commands to be seen.
	 */
	private static final String OUTBOX_POLL_INTERVAL = "1h";

	private static final int CONCURRENT_READS = 200;

	@RegisterExtension
	static final ApiUnderTest app = ApiUnderTest
		.withSettings("REDIS_TIMEOUT_MS", "1000", "REDIS_REPLICA_ACK_TIMEOUT_MS", String.valueOf(ACK_TIMEOUT_MS),
				"product-api.cache.lease-ttl", LEASE_TTL_SECONDS + "s", "product-api.cache.outbox-poll-interval",
				OUTBOX_POLL_INTERVAL)
		.onCluster();

	private final Api api = app.api();

	private final TestRedisCluster cluster = app.cluster();

	@Test
	void aMissIsGetLeaseAndFillOnTheMasterOfTheKey() {
		String id = this.api.create("Lamp", "29.99", 5);
		String key = "product:" + id;
		RedisNode owner = this.cluster.masterFor(key);

		Map<RedisNode, RedisMonitor> monitors = monitorEveryMaster();
		try {
			Response response = this.api.get("/products/" + id);

			assertThat(response.cache()).isEqualTo("MISS");
			List<Command> commands = on(key, monitors.get(owner));
			List<String> names = commands.stream().map(Command::name).toList();
			assertThat(names).as("commands on %s", key)
				.isIn(List.of("GET", "SET", "EVALSHA", "GET", "SET"),
						List.of("GET", "SET", "EVALSHA", "EVAL", "GET", "SET"));
			String client = commands.getFirst().client();
			assertThat(commands.subList(0, names.size() - 2)).as("sent by the API")
				.allSatisfy((command) -> assertThat(command.client()).isEqualTo(client));
			List<String> lease = commands.get(1).words();
			assertThat(lease.get(2)).as("the lease token").startsWith("~lease:");
			assertThat(lease.subList(3, lease.size())).as("the lease's options")
				.containsExactlyInAnyOrder("NX", "EX", String.valueOf(LEASE_TTL_SECONDS))
				.containsSubsequence("EX", String.valueOf(LEASE_TTL_SECONDS));
			List<Command> script = commands.subList(names.size() - 2, names.size());
			assertThat(script).as("run by the fill script")
				.allSatisfy((command) -> assertThat(command.client()).isEqualTo("lua"));
			assertThat(script.get(0).words()).isEqualTo(List.of("GET", key));
			List<String> fill = script.get(1).words();
			assertThat(fill.get(2)).as("the stored value").isEqualTo(escaped(response.body()));
			assertThat(fill.get(3)).isEqualTo("EX");
			assertNothingOn(key, monitors, owner);
		}
		finally {
			monitors.values().forEach(RedisMonitor::close);
		}
	}

	@Test
	void aHitIsOneGetOnTheMasterOfTheKey() {
		String id = this.api.create("Chair", "120.00", 2);
		String key = "product:" + id;
		Response miss = this.api.get("/products/" + id);

		Map<RedisNode, RedisMonitor> monitors = monitorEveryMaster();
		try {
			Response hit = this.api.get("/products/" + id);

			assertThat(hit.cache()).isEqualTo("HIT");
			assertThat(hit.body()).isEqualTo(miss.body());
			assertThat(on(key, monitors.get(this.cluster.masterFor(key)))).map(Command::words)
				.containsExactly(List.of("GET", key));
			assertNothingOn(key, monitors, this.cluster.masterFor(key));
		}
		finally {
			monitors.values().forEach(RedisMonitor::close);
		}
	}

	@Test
	void aWriteIsOneDelFollowedByAWaitForTheReplica() {
		String id = this.api.create("Sofa", "999.00", 1);
		String key = "product:" + id;
		this.api.get("/products/" + id);
		RedisNode owner = this.cluster.masterFor(key);

		try (RedisMonitor monitor = RedisMonitor.start(owner)) {
			assertThat(this.api.put("/products/" + id, "{\"price\": 899.00}").status()).isEqualTo(200);
			assertThat(app.app().pendingInvalidations()).as("invalidations not acknowledged by the replica").isZero();

			List<Command> all = monitor.commands();
			assertThat(all.stream().filter((command) -> command.isOn(key)).map(Command::words))
				.containsExactly(List.of("DEL", key));
			assertDeleteThenWait(all, key);
		}
		Response next = this.api.get("/products/" + id);
		assertThat(next.cache()).isEqualTo("MISS");
		assertThat(next.body()).contains("\"price\":899.00");
	}

	@Test
	void writesInvalidateKeysOnEveryMaster() {
		Map<RedisNode, String> idPerMaster = productPerMaster();
		assertThat(idPerMaster).as("a product on each master").hasSize(3);

		for (Map.Entry<RedisNode, String> entry : idPerMaster.entrySet()) {
			RedisNode owner = entry.getKey();
			String path = "/products/" + entry.getValue();
			String key = "product:" + entry.getValue();
			assertThat(this.api.get(path).cache()).isEqualTo("MISS");
			assertThat(this.api.get(path).cache()).isEqualTo("HIT");
			assertThat(this.cluster.commands().get(key)).as("cached on %s", owner).contains("\"price\":1.00");

			try (RedisMonitor monitor = RedisMonitor.start(owner)) {
				assertThat(this.api.put(path, "{\"price\": 2.00}").status()).isEqualTo(200);
				List<Command> all = monitor.commands();
				assertThat(all.stream().filter((command) -> command.isOn(key)).map(Command::name))
					.as("commands on %s at %s: %s", key, owner, all)
					.containsExactly("DEL");
				assertDeleteThenWait(all, key);
			}
			assertThat(this.cluster.commands().get(key)).as("on %s after the write", owner).isNull();
			Response next = this.api.get(path);
			assertThat(next.cache()).isEqualTo("MISS");
			assertThat(next.body()).contains("\"price\":2.00");
			assertThat(this.api.get(path).body()).contains("\"price\":2.00");
		}
	}

	@Test
	void aStampedeOnAColdKeyCostsOneDatabaseRead() {
		String id = this.api.create("Hot item", "5.00", 1000);
		double readsBefore = app.app().counter("product.db.reads");

		List<Response> responses = burst(id);

		assertThat(responses).allSatisfy((response) -> assertThat(response.status()).isEqualTo(200));
		assertThat(responses.stream().map(Response::body).distinct()).hasSize(1);
		assertThat(app.app().counter("product.db.reads") - readsBefore).isEqualTo(1);
	}

	/** A product whose key lands on each master, created until there is one for each. */
	private Map<RedisNode, String> productPerMaster() {
		Map<RedisNode, String> ids = new LinkedHashMap<>();
		List<RedisNode> masters = this.cluster.masters();
		for (int i = 0; ids.size() < masters.size() && i < 100; i++) {
			String id = this.api.create("Spread " + i, "1.00", 1);
			ids.putIfAbsent(this.cluster.masterFor("product:" + id), id);
		}
		return ids;
	}

	/**
	 * The delete and, next from the same connection, a WAIT for the replica with the
	 * configured timeout.
	 */
	private static void assertDeleteThenWait(List<Command> all, String key) {
		int delete = -1;
		for (int i = 0; i < all.size(); i++) {
			if (all.get(i).isOn(key) && all.get(i).name().equals("DEL")) {
				delete = i;
			}
		}
		assertThat(delete).as("the DEL of %s", key).isNotNegative();
		String client = all.get(delete).client();
		Command next = all.subList(delete + 1, all.size())
			.stream()
			.filter((command) -> command.client().equals(client))
			.findFirst()
			.orElseThrow(() -> new AssertionError("Nothing after the DEL of " + key + " from " + client));
		assertThat(next.words()).isEqualTo(List.of("WAIT", String.valueOf(REPLICAS), String.valueOf(ACK_TIMEOUT_MS)));
	}

	private Map<RedisNode, RedisMonitor> monitorEveryMaster() {
		Map<RedisNode, RedisMonitor> monitors = new LinkedHashMap<>();
		for (RedisNode master : this.cluster.masters()) {
			monitors.put(master, RedisMonitor.start(master));
		}
		return monitors;
	}

	private static List<Command> on(String key, RedisMonitor monitor) {
		return monitor.commands().stream().filter((command) -> command.isOn(key)).toList();
	}

	private static void assertNothingOn(String key, Map<RedisNode, RedisMonitor> monitors, RedisNode owner) {
		monitors.forEach((master, monitor) -> {
			if (master != owner) {
				assertThat(on(key, monitor)).as("commands on %s at %s, which does not own it", key, master).isEmpty();
			}
		});
	}

	/** The value as MONITOR prints it: double quotes escaped. */
	private static String escaped(String value) {
		return value.replace("\\", "\\\\").replace("\"", "\\\"");
	}

	private List<Response> burst(String id) {
		CountDownLatch go = new CountDownLatch(1);
		List<CompletableFuture<Response>> futures = new ArrayList<>();
		try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int i = 0; i < CONCURRENT_READS; i++) {
				futures.add(CompletableFuture.supplyAsync(() -> {
					try {
						go.await();
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
						throw new IllegalStateException(ex);
					}
					return this.api.get("/products/" + id);
				}, clients));
			}
			go.countDown();
			return futures.stream().map(CompletableFuture::join).toList();
		}
	}

}
