package dev.productapi.support;

import java.time.Duration;
import java.util.List;

import io.lettuce.core.RedisCommandExecutionException;
import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;
import static org.awaitility.Awaitility.await;

/**
 * The Cluster test topology itself: it forms, serves keys, fails over and migrates slots.
 */
class TestRedisClusterIT {

	@Test
	void formsAndServesKeysThroughAClusterClient() {
		try (TestRedisCluster cluster = TestRedisCluster.started()) {
			log("cluster started in " + cluster.startupTime().toMillis() + " ms with " + RedisExecutable.get());
			assertThat(cluster.seedNodes().split(",")).hasSize(6).allMatch((node) -> node.startsWith("127.0.0.1:"));
			assertThat(cluster.masters()).hasSize(3);
			for (int i = 0; i < 30; i++) {
				assertThat(cluster.commands().set("product:" + i, "v" + i)).isEqualTo("OK");
			}
			for (int i = 0; i < 30; i++) {
				String key = "product:" + i;
				RedisNode master = cluster.masterFor(key);
				assertThat(cluster.commands().get(key)).isEqualTo("v" + i);
				assertThat(master.commands().get(key)).as("on the master of slot " + SlotHash.getSlot(key))
					.isEqualTo("v" + i);
			}
			RedisNode master = cluster.masterFor("product:0");
			RedisNode replica = cluster.replicaOf(master);
			assertThat(replica).isNotSameAs(master);
			assertThat(replica.role()).isEqualTo("slave");
		}
	}

	@Test
	void failsOverACrashedMasterToItsReplica() {
		try (TestRedisCluster cluster = TestRedisCluster.started()) {
			log("cluster started in " + cluster.startupTime().toMillis() + " ms with " + RedisExecutable.get());
			cluster.commands().set("product:1", "before");
			RedisNode master = cluster.masterFor("product:1");
			RedisNode replica = cluster.replicaOf(master);
			await("the replica has product:1").atMost(Duration.ofSeconds(5))
				.until(() -> "before".equals(replica.commands().get("product:1")));

			master.kill();
			Failover failover = cluster.awaitFailover(master, Duration.ofSeconds(30));
			log(failover.toString());

			assertThat(failover.newMaster()).isSameAs(replica);
			assertThat(cluster.masterFor("product:1")).isSameAs(replica);
			assertThat(replica.role()).isEqualTo("master");
			assertThat(cluster.commands().get("product:1")).isEqualTo("before");
			assertThat(cluster.commands().set("product:1", "after")).isEqualTo("OK");

			// the old master comes back empty and becomes the new master's replica
			master.start();
			await(master + " replicates " + replica).atMost(Duration.ofSeconds(15)).until(() -> {
				try {
					return "after".equals(master.commands().get("product:1")) || isReplicaOf(cluster, master, replica);
				}
				catch (RedisCommandExecutionException ex) {
					return isReplicaOf(cluster, master, replica);
				}
			});
			cluster.awaitStable(Duration.ofSeconds(15));
			assertThat(cluster.replicaOf(replica)).isSameAs(master);
		}
	}

	@Test
	void heldBackReplicationLeavesADeletedKeyOnThePromotedReplica() {
		try (TestRedisCluster cluster = TestRedisCluster.started()) {
			log("cluster started in " + cluster.startupTime().toMillis() + " ms with " + RedisExecutable.get());
			cluster.commands().set("product:7", "cached");
			RedisNode master = cluster.masterFor("product:7");

			ReplicationHold hold = cluster.holdBackReplication(master);
			assertThat(cluster.commands().del("product:7")).isEqualTo(1L);
			hold.crashMaster();

			Failover failover = cluster.awaitFailover(master, Duration.ofSeconds(30));
			log(failover.toString());
			assertThat(failover.newMaster()).isSameAs(hold.replica());
			assertThat(cluster.commands().get("product:7")).as("the delete was lost").isEqualTo("cached");
		}
	}

	@Test
	void migratesASlotWithItsKeysAndRedirectsWithAskMidway() {
		try (TestRedisCluster cluster = TestRedisCluster.started()) {
			log("cluster started in " + cluster.startupTime().toMillis() + " ms with " + RedisExecutable.get());
			// MOVED: a finished migration
			cluster.commands().set("product:9", "nine");
			int slot = SlotHash.getSlot("product:9");
			RedisNode from = cluster.masterFor("product:9");
			RedisNode to = cluster.masters().stream().filter((node) -> node != from).findFirst().orElseThrow();
			long started = System.nanoTime();
			cluster.migrateSlot(slot, to);
			log("slot " + slot + " moved in " + (System.nanoTime() - started) / 1_000_000 + " ms");
			assertThat(cluster.masterFor("product:9")).isSameAs(to);
			assertThat(to.commands().get("product:9")).isEqualTo("nine");
			assertThatThrownBy(() -> from.commands().get("product:9")).hasMessageContaining("MOVED " + slot);
			assertThat(cluster.commands().get("product:9")).isEqualTo("nine");

			// ASK: half-way through a migration
			cluster.commands().set("{product:7}:name", "seven");
			cluster.commands().set("{product:7}:price", "70");
			int askSlot = SlotHash.getSlot("{product:7}:name");
			RedisNode source = cluster.masterFor("{product:7}:name");
			RedisNode target = cluster.masters().stream().filter((node) -> node != source).findFirst().orElseThrow();
			TestRedisCluster.SlotMigration migration = cluster.beginSlotMigration(askSlot, target);
			migration.moveKeys(List.of("{product:7}:name"));
			assertThatThrownBy(() -> source.commands().get("{product:7}:name")).hasMessageContaining("ASK " + askSlot);
			assertThat(cluster.commands().get("{product:7}:name")).isEqualTo("seven");
			assertThat(cluster.commands().get("{product:7}:price")).isEqualTo("70");
			migration.moveAllKeys();
			migration.finish();
			assertThat(cluster.masterFor("{product:7}:price")).isSameAs(target);
			assertThat(target.commands().get("{product:7}:price")).isEqualTo("70");
		}
	}

	private static boolean isReplicaOf(TestRedisCluster cluster, RedisNode node, RedisNode master) {
		try {
			return cluster.replicaOf(master) == node;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	private static void log(String message) {
		System.out.println("[TestRedisClusterIT] " + message);
	}

}
