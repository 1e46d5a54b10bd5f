package dev.productapi.topology;

import java.util.List;
import java.util.Map;

import io.lettuce.core.cluster.SlotHash;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.productapi.cache.ProductCache;
import dev.productapi.support.Api;
import dev.productapi.support.Api.Response;
import dev.productapi.support.ApiUnderTest;
import dev.productapi.support.RedisMonitor;
import dev.productapi.support.RedisNode;
import dev.productapi.support.TestRedisCluster;
import dev.productapi.support.TestRedisCluster.SlotMigration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Slots move between masters while the API runs (resharding). A cached product keeps
 * being served, from its new master; a write invalidates its key there at once, even
 * though the API's view of the cluster still names the old master (which answers
 * {@code MOVED}); and during a half-done migration, where the old master answers
 * {@code ASK} for the keys it already handed over, reads and writes succeed with the
 * right data and the write's delete reaches the key where it now is.
 * <p>
 * The API's periodic topology refresh is slowed down here, so that its view stays the old
 * one after a migration, as it does in production until the next refresh (up to
 * {@code product-api.redis.cluster-refresh-interval}, 1 s): that makes the stale-view
 * case happen every time instead of most times.
 */
class ClusterSlotMigrationIT {

	@RegisterExtension
	static final ApiUnderTest app = ApiUnderTest.withSettings("product-api.redis.cluster-refresh-interval", "1h")
		.onCluster();

	private final Api api = app.api();

	private final TestRedisCluster cluster = app.cluster();

	@Test
	void afterAMigrationACachedProductIsServedAndInvalidatedOnItsNewMaster() {
		String readId = cachedProduct("Moved, read");
		String writtenId = cachedProduct("Moved, written");
		String readKey = "product:" + readId;
		String writtenKey = "product:" + writtenId;
		String cachedBody = this.api.get("/products/" + readId).body();
		RedisNode readFrom = this.cluster.masterFor(readKey);
		RedisNode readTo = otherMasterThan(readFrom);
		RedisNode writtenFrom = this.cluster.masterFor(writtenKey);
		RedisNode writtenTo = otherMasterThan(writtenFrom);

		this.cluster.migrateSlot(SlotHash.getSlot(readKey), readTo);
		this.cluster.migrateSlot(SlotHash.getSlot(writtenKey), writtenTo);
		assertThat(this.cluster.masterFor(readKey)).isSameAs(readTo);
		assertThat(this.cluster.masterFor(writtenKey)).isSameAs(writtenTo);

		// The write first, while the API still routes the key to its old master.
		long movedBefore = redirections(writtenFrom, "MOVED");
		try (RedisMonitor monitor = RedisMonitor.start(writtenTo)) {
			assertThat(this.api.put("/products/" + writtenId, "{\"price\": 2.00}").status()).isEqualTo(200);
			assertThat(monitor.commandsOn(writtenKey)).as("the write's commands on the new master")
				.containsExactly("DEL");
		}
		assertThat(redirections(writtenFrom, "MOVED") - movedBefore)
			.as("MOVED answers from the old master: the write was sent there first")
			.isPositive();
		assertConfirmedAndCacheInUse();
		assertThat(writtenTo.commands().get(writtenKey)).as("the entry on the new master").isNull();
		Response next = this.api.get("/products/" + writtenId);
		assertThat(next.cache()).isEqualTo("MISS");
		assertThat(next.body()).contains("\"price\":2.00");
		assertThat(this.api.get("/products/" + writtenId).cache()).isEqualTo("HIT");
		assertThat(writtenTo.commands().get(writtenKey)).as("the entry on the new master").contains("\"price\":2.00");

		try (RedisMonitor monitor = RedisMonitor.start(readTo)) {
			Response hit = this.api.get("/products/" + readId);
			assertThat(hit.status()).isEqualTo(200);
			assertThat(hit.cache()).isEqualTo("HIT");
			assertThat(hit.body()).isEqualTo(cachedBody);
			assertThat(monitor.commandsOn(readKey)).as("served by the new master").containsExactly("GET");
		}
	}

	@Test
	void duringAHalfDoneMigrationReadsAndWritesFollowAsk() {
		String id = cachedProduct("Half-way");
		String key = "product:" + id;
		String path = "/products/" + id;
		String cachedBody = this.api.get(path).body();
		RedisNode from = this.cluster.masterFor(key);
		RedisNode to = otherMasterThan(from);

		SlotMigration migration = this.cluster.beginSlotMigration(SlotHash.getSlot(key), to);
		migration.moveKeys(List.of(key));
		assertThat(importedValue(to, key)).as("moved to the target").isEqualTo(cachedBody);

		Response read = this.api.get(path);
		assertThat(read.status()).isEqualTo(200);
		assertThat(read.body()).isEqualTo(cachedBody);
		assertThat(read.cache()).as("served from the target, after ASK").isEqualTo("HIT");

		long askBefore = redirections(from, "ASK");
		Response write = this.api.put(path, "{\"price\": 3.00}");
		assertThat(write.status()).isEqualTo(200);
		assertThat(write.body()).contains("\"price\":3.00");
		assertThat(redirections(from, "ASK") - askBefore).as("ASK answers from the source to the write").isPositive();
		assertConfirmedAndCacheInUse();
		assertThat(importedValue(to, key)).as("the entry on the target after the write").isNull();

		Response afterWrite = this.api.get(path);
		assertThat(afterWrite.status()).isEqualTo(200);
		assertThat(afterWrite.body()).contains("\"price\":3.00");
		assertThat(afterWrite.cache()).isEqualTo("MISS");
		assertThat(importedValue(to, key)).as("filled on the target").contains("\"price\":3.00");

		migration.moveAllKeys();
		migration.finish();
		Response afterMigration = this.api.get(path);
		assertThat(afterMigration.status()).isEqualTo(200);
		assertThat(afterMigration.cache()).isEqualTo("HIT");
		assertThat(afterMigration.body()).contains("\"price\":3.00");
	}

	/** A product, read twice so that it is cached. */
	private String cachedProduct(String name) {
		String id = this.api.create(name, "1.00", 1);
		assertThat(this.api.get("/products/" + id).cache()).isEqualTo("MISS");
		assertThat(this.api.get("/products/" + id).cache()).isEqualTo("HIT");
		return id;
	}

	/**
	 * The write's invalidation was confirmed before it returned, and the cache was not
	 * switched off meanwhile: a redirection is no Redis failure.
	 */
	private static void assertConfirmedAndCacheInUse() {
		assertThat(app.app().pendingInvalidations()).as("invalidations not confirmed").isZero();
		assertThat(app.app().bean(ProductCache.class).isAvailable()).as("the cache is in use").isTrue();
	}

	/** How many MOVED or ASK answers the node gave ({@code INFO errorstats}). */
	private static long redirections(RedisNode node, String kind) {
		Map<String, String> errors = node.info("errorstats");
		String count = errors.getOrDefault("errorstat_" + kind, "count=0");
		return Long.parseLong(count.substring(count.indexOf('=') + 1));
	}

	/**
	 * The key's value on the node importing its slot, which answers only after ASKING.
	 */
	private static String importedValue(RedisNode target, String key) {
		target.commands().asking();
		return target.commands().get(key);
	}

	private RedisNode otherMasterThan(RedisNode master) {
		return this.cluster.masters().stream().filter((node) -> node != master).findFirst().orElseThrow();
	}

}
