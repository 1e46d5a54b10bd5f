package dev.productapi.cache;

import java.nio.file.Path;
import java.time.Duration;
import java.util.UUID;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Predicate;

import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.flywaydb.core.Flyway;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.sqlite.SQLiteDataSource;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.support.TransactionTemplate;

import dev.productapi.tracing.TracedSteps;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The outbox protocol against a real, migrated SQLite database, with Redis stood in for
 * by a switch: "Redis confirms deletes" or "Redis fails them".
 */
class CacheInvalidatorIT {

	private final UUID product = UUID.randomUUID();

	private boolean redisConfirms = true;

	private Predicate<UUID> redis = (id) -> this.redisConfirms;

	private InvalidationOutbox outbox;

	private CacheInvalidator invalidator;

	@BeforeEach
	void migratedDatabase(@TempDir Path directory) {
		SQLiteDataSource database = new SQLiteDataSource();
		database.setUrl("jdbc:sqlite:" + directory.resolve("outbox.db"));
		Flyway.configure().dataSource(database).locations("classpath:db/migration/sqlite").load().migrate();
		this.outbox = new InvalidationOutbox(JdbcClient.create(database),
				new TransactionTemplate(new JdbcTransactionManager(database)));
		this.invalidator = new CacheInvalidator(this.outbox, (id) -> this.redis.test(id), Duration.ofMillis(500),
				() -> true, new SimpleMeterRegistry(), TracedSteps.none());
	}

	@Test
	void aConfirmedDeleteLeavesNothingBehindOnceTheDeliveredRowsAreRemoved() {
		SimpleMeterRegistry meters = new SimpleMeterRegistry();
		this.invalidator = new CacheInvalidator(this.outbox, (id) -> true, Duration.ofMillis(500), () -> true, meters,
				TracedSteps.none());
		for (int i = 0; i < 3; i++) {
			UUID id = UUID.randomUUID();
			this.invalidator.invalidate(id, this.invalidator.record(id));
			assertThat(this.invalidator.isPending(id)).isFalse();
		}
		assertThat(meters.get("product.cache.invalidations.pending").gauge().value()).as("pending").isZero();
		assertThat(this.outbox.size()).as("rows left for the batch").isEqualTo(3);

		this.invalidator.removeDelivered();

		assertThat(this.outbox.size()).isZero();
	}

	@Test
	void afterAFailedCommitThatHappenedTheRowIsDeliveredAndRemoved() {
		long entry = this.invalidator.record(this.product);
		this.redisConfirms = false;
		this.invalidator.invalidateAfterFailedCommit(this.product, entry);
		assertThat(this.invalidator.isPending(this.product)).isTrue();

		this.redisConfirms = true;
		this.invalidator.removeDelivered();
		assertThat(this.outbox.size()).as("never removed by its id").isEqualTo(1);
		this.invalidator.deliverPending();

		assertThat(this.invalidator.isPending(this.product)).isFalse();
		assertThat(this.outbox.size()).isZero();
	}

	@Test
	void afterAFailedCommitThatDidNotHappenThePendingMarkIsCleared() {
		this.redisConfirms = false;
		// The entry's id was handed out in a transaction that rolled back: no row.
		this.invalidator.invalidateAfterFailedCommit(this.product, 1);
		assertThat(this.invalidator.isPending(this.product)).isTrue();

		this.invalidator.deliverPending();

		assertThat(this.invalidator.isPending(this.product)).isFalse();
	}

	@Test
	void aConfirmedDeleteAfterAFailedCommitLeavesTheRowToTheNextPoll() {
		long entry = this.invalidator.record(this.product);
		this.invalidator.invalidateAfterFailedCommit(this.product, entry);

		this.invalidator.removeDelivered();
		assertThat(this.outbox.size()).isEqualTo(1);
		this.invalidator.deliverPending();

		assertThat(this.invalidator.isPending(this.product)).isFalse();
		assertThat(this.outbox.size()).isZero();
	}

	@Test
	void aPollLeavesAConfirmedEntryAlone() {
		AtomicInteger deletes = new AtomicInteger();
		this.redis = (id) -> deletes.incrementAndGet() > 0;
		this.invalidator.invalidate(this.product, this.invalidator.record(this.product));

		this.invalidator.deliverPending();

		assertThat(deletes).hasValue(1);
		assertThat(this.invalidator.isPending(this.product)).isFalse();
	}

	@Test
	void aFailedDeleteIsPendingUntilAPollDeliversIt() {
		this.redisConfirms = false;
		this.invalidator.invalidate(this.product, this.invalidator.record(this.product));
		assertThat(this.invalidator.isPending(this.product)).isTrue();

		this.invalidator.deliverPending();
		assertThat(this.invalidator.isPending(this.product)).as("while Redis still fails").isTrue();
		assertThat(this.outbox.size()).isEqualTo(1);

		this.redisConfirms = true;
		this.invalidator.deliverPending();

		assertThat(this.invalidator.isPending(this.product)).isFalse();
		assertThat(this.outbox.size()).isZero();
	}

	@Test
	void entriesLeftByAnotherInstanceArePendingHereUntilDelivered() {
		// Another instance committed a write and crashed before its delete.
		this.outbox.record(this.product);
		this.redisConfirms = false;

		this.invalidator.deliverPending();
		assertThat(this.invalidator.isPending(this.product)).isTrue();

		this.redisConfirms = true;
		this.invalidator.deliverPending();
		assertThat(this.invalidator.isPending(this.product)).isFalse();
		assertThat(this.outbox.size()).isZero();
	}

	@Test
	void anEntryThatAnotherInstanceDeliveredIsNoLongerPendingHere() {
		this.redisConfirms = false;
		long entry = this.invalidator.record(this.product);
		this.invalidator.invalidate(this.product, entry);

		this.outbox.removeUpTo(this.product, entry);
		this.invalidator.deliverPending();

		assertThat(this.invalidator.isPending(this.product)).isFalse();
	}

	@Test
	void aNewerWriteWhoseDeleteFailsDuringDeliveryStaysPending() {
		this.redisConfirms = false;
		this.invalidator.invalidate(this.product, this.invalidator.record(this.product));
		// While the poll delivers the first entry, a second write of the product commits
		// and its own delete fails.
		this.redis = (id) -> {
			this.redis = (again) -> false;
			this.invalidator.invalidate(id, this.invalidator.record(id));
			return true;
		};

		this.invalidator.deliverPending();

		assertThat(this.invalidator.isPending(this.product)).isTrue();
		assertThat(this.outbox.size()).as("the newer entry").isEqualTo(1);
		this.redis = (id) -> true;
		this.invalidator.deliverPending();
		assertThat(this.invalidator.isPending(this.product)).isFalse();
		assertThat(this.outbox.size()).isZero();
	}

	@Test
	void aPollStopsAtTheFirstDeleteRedisFailsAndKeepsTheRest() {
		UUID other = UUID.randomUUID();
		this.redisConfirms = false;
		this.invalidator.invalidate(this.product, this.invalidator.record(this.product));
		this.invalidator.invalidate(other, this.invalidator.record(other));

		this.invalidator.deliverPending();

		assertThat(this.invalidator.isPending(this.product)).isTrue();
		assertThat(this.invalidator.isPending(other)).isTrue();
		assertThat(this.outbox.size()).isEqualTo(2);
	}

}
