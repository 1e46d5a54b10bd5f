package dev.productapi.support;

import java.io.IOException;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.lettuce.core.RedisClient;
import io.lettuce.core.cluster.SlotHash;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.masterreplica.MasterReplica;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The test topologies with a password and TLS: each starts, refuses a client without the
 * password or without TLS, and the test's own helpers (and, for the sentinels and the
 * cluster, failovers and a slot migration) work on it as on an open one.
 */
class SecuredTopologiesIT {

	private static final RedisSecurity SECURED = RedisSecurity.NONE.withPassword().withTls();

	@Test
	void aSingleServer() {
		try (TestRedis redis = TestRedis.started(SECURED)) {
			log("single server with " + SECURED + " on " + RedisExecutable.get());
			assertThat(redis.commands().set("product:1", "cached")).isEqualTo("OK");
			assertThat(redis.commands().get("product:1")).isEqualTo("cached");
			try (RedisMonitor monitor = RedisMonitor.start(redis)) {
				redis.commands().get("product:1");
				assertThat(monitor.commandsOn("product:1")).containsExactly("GET");
			}
			assertRefusedWithoutPasswordOrTls(redis.port());
		}
	}

	@Test
	void aSentinelGroupWithASentinelPassword() {
		RedisSecurity security = SECURED.withSentinelPassword();
		try (TestRedisSentinel sentinel = TestRedisSentinel.started(security)) {
			log("sentinel group with " + security + " started in " + sentinel.startupTime().toMillis() + " ms on "
					+ RedisExecutable.get());
			assertThat(sentinel.uri()).startsWith("rediss-sentinel://");
			RedisNode master = sentinel.master();
			RedisNode replica = sentinel.replica();
			master.commands().set("product:1", "before");
			await("the replica has product:1").atMost(Duration.ofSeconds(5))
				.until(() -> "before".equals(replica.commands().get("product:1")));
			assertRefusedWithoutPasswordOrTls(master.port());
			RedisNode first = sentinel.sentinels().get(0);
			assertThat(ping(RedisSecurity.NONE.withTls(), first.port())).startsWith("-NOAUTH");
			assertThat(ping(RedisSecurity.NONE.withTls().withPassword(RedisSecurity.SENTINEL_PASSWORD), first.port()))
				.isEqualTo("+PONG");

			master.kill();
			Failover failover = sentinel.awaitFailover(Duration.ofSeconds(30));
			log(failover.toString());
			assertThat(failover.newMaster()).isSameAs(replica);
			assertThat(replica.commands().set("product:1", "after")).isEqualTo("OK");
			try (RedisClient client = RedisClient.create(RedisNode.resources())) {
				client.setOptions(RedisNode.clientOptions().build());
				try (StatefulRedisMasterReplicaConnection<String, String> connection = MasterReplica.connect(client,
						StringCodec.UTF8, sentinel.redisUri())) {
					assertThat(connection.sync().get("product:1")).isEqualTo("after");
				}
			}
			// Back, the old master syncs from the new one over TLS with masterauth. It is
			// made a replica here: the sentinels may take 10 s or more.
			master.start();
			master.commands().replicaof(RedisNode.HOST, replica.port());
			await("the old master replicates from the new one").atMost(Duration.ofSeconds(20))
				.until(() -> "up".equals(master.info("replication").get("master_link_status")));
			assertThat(master.commands().get("product:1")).isEqualTo("after");
		}
	}

	@Test
	void aCluster() {
		try (TestRedisCluster cluster = TestRedisCluster.started(SECURED)) {
			log("cluster with " + SECURED + " started in " + cluster.startupTime().toMillis() + " ms on "
					+ RedisExecutable.get());
			for (int i = 0; i < 20; i++) {
				cluster.commands().set("product:" + i, "v" + i);
			}
			assertThat(cluster.commands().get("product:7")).isEqualTo("v7");
			assertRefusedWithoutPasswordOrTls(cluster.nodes().get(0).port());

			int slot = SlotHash.getSlot("product:7");
			RedisNode owner = cluster.masterFor("product:7");
			RedisNode other = cluster.masters().stream().filter((node) -> node != owner).findFirst().orElseThrow();
			cluster.migrateSlot(slot, other);
			assertThat(cluster.masterFor("product:7")).isSameAs(other);
			assertThat(other.commands().get("product:7")).isEqualTo("v7");
			assertThat(cluster.commands().get("product:7")).isEqualTo("v7");

			RedisNode replica = cluster.replicaOf(other);
			other.kill();
			Failover failover = cluster.awaitFailover(other, Duration.ofSeconds(30));
			log(failover.toString());
			assertThat(failover.newMaster()).isSameAs(replica);
			await("the cluster client reads from the new master").atMost(Duration.ofSeconds(10))
				.until(() -> readsThrough(cluster, "product:7", "v7"));
		}
	}

	private static boolean readsThrough(TestRedisCluster cluster, String key, String expected) {
		try {
			return expected.equals(cluster.commands().get(key));
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	/** A plain-text client is cut off; a TLS client without the password gets NOAUTH. */
	private static void assertRefusedWithoutPasswordOrTls(int port) {
		assertThat(ping(RedisSecurity.NONE, port)).doesNotContain("PONG");
		assertThat(ping(RedisSecurity.NONE.withTls(), port)).startsWith("-NOAUTH");
		assertThat(ping(SECURED, port)).isEqualTo("+PONG");
	}

	/** The reply to PING over a socket of the security's kind, or the failure. */
	private static String ping(RedisSecurity security, int port) {
		try (Socket socket = security.connect(RedisNode.HOST, port, 2000)) {
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			return RedisSecurity.readLine(socket);
		}
		catch (IOException ex) {
			return "failed: " + ex;
		}
	}

	private static void log(String message) {
		System.out.println("[SecuredTopologiesIT] " + message);
	}

}
