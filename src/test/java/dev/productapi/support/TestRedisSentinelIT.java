package dev.productapi.support;

import java.time.Duration;

import io.lettuce.core.RedisClient;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.masterreplica.MasterReplica;
import io.lettuce.core.masterreplica.StatefulRedisMasterReplicaConnection;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The Sentinel test topology itself: it starts, fails over, and can lose acknowledged
 * writes.
 */
class TestRedisSentinelIT {

	@Test
	void failsOverToTheReplicaWhichThenAcceptsWrites() {
		try (TestRedisSentinel sentinel = TestRedisSentinel.started()) {
			log("sentinel started in " + sentinel.startupTime().toMillis() + " ms with " + RedisExecutable.get());
			assertThat(sentinel.uri()).startsWith("redis-sentinel://127.0.0.1:").endsWith("#products");
			assertThat(sentinel.sentinelAddresses()).hasSize(3);
			RedisNode master = sentinel.master();
			RedisNode replica = sentinel.replica();
			assertThat(master.role()).isEqualTo("master");
			assertThat(replica.role()).isEqualTo("slave");

			master.commands().set("product:1", "before");
			await("the replica has product:1").atMost(Duration.ofSeconds(5))
				.until(() -> "before".equals(replica.commands().get("product:1")));

			master.kill();
			Failover failover = sentinel.awaitFailover(Duration.ofSeconds(30));
			log(failover.toString());

			assertThat(failover.newMaster()).isSameAs(replica);
			assertThat(sentinel.master()).isSameAs(replica);
			assertThat(replica.role()).isEqualTo("master");
			assertThat(replica.commands().get("product:1")).isEqualTo("before");
			assertThat(replica.commands().set("product:1", "after")).isEqualTo("OK");

			// a client that knows only the sentinels finds the new master
			try (RedisClient client = RedisClient.create(RedisNode.resources());
					StatefulRedisMasterReplicaConnection<String, String> connection = MasterReplica.connect(client,
							StringCodec.UTF8, sentinel.redisUri())) {
				assertThat(connection.sync().get("product:1")).isEqualTo("after");
			}
		}
	}

	@Test
	void heldBackReplicationLeavesADeletedKeyOnThePromotedReplica() {
		try (TestRedisSentinel sentinel = TestRedisSentinel.started()) {
			log("sentinel started in " + sentinel.startupTime().toMillis() + " ms with " + RedisExecutable.get());
			RedisNode master = sentinel.master();
			master.commands().set("product:7", "cached");

			ReplicationHold hold = sentinel.holdBackReplication();
			assertThat(master.commands().del("product:7")).isEqualTo(1L);
			assertThat(master.commands().set("product:8", "new")).isEqualTo("OK");
			hold.crashMaster();

			Failover failover = sentinel.awaitFailover(Duration.ofSeconds(30));
			log(failover.toString());
			assertThat(failover.newMaster()).isSameAs(hold.replica());
			assertThat(hold.replica().commands().get("product:7")).as("the delete was lost").isEqualTo("cached");
			assertThat(hold.replica().commands().get("product:8")).as("the write was lost").isNull();
		}
	}

	private static void log(String message) {
		System.out.println("[TestRedisSentinelIT] " + message);
	}

}
