package dev.productapi.cache;

import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.BooleanSupplier;
import java.util.function.Predicate;

import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

import dev.productapi.cache.InvalidationOutbox.Entry;
import dev.productapi.database.DatabaseAvailability;
import dev.productapi.tracing.TracedSteps;

/**
 * Makes every committed write's invalidation reach Redis eventually, and keeps reads away
 * from a possibly stale entry until it has.
 * <p>
 * A write records an outbox entry in its transaction and calls {@link #invalidate} after
 * commit. If Redis confirms the delete, the entry is dropped at once. If not (Redis down,
 * frozen or timing out), the product is marked pending: reads of it bypass the cache, and
 * a background task retries until Redis confirms. The same task picks up entries that
 * other instances, or a crashed one, left behind, so every instance bypasses their keys
 * too.
 */
@Component
public class CacheInvalidator implements SchedulingConfigurer, DisposableBean {

	private static final Logger logger = LoggerFactory.getLogger(CacheInvalidator.class);

	private static final int BATCH_SIZE = 500;

	/**
	 * How often confirmed entries' rows are deleted. Until then other instances may see a
	 * row and deliver it again: a redundant DEL, and a read or two of the product from
	 * the database.
	 */
	private static final Duration DELIVERED_REMOVAL_INTERVAL = Duration.ofMillis(50);

	private final InvalidationOutbox outbox;

	/** Deletes a product's key; true if Redis confirmed it. */
	private final Predicate<UUID> delete;

	private final Duration pollInterval;

	/**
	 * While the database is away the background tasks pause: each run would only wait for
	 * the timeout and fail. The entries wait in the outbox, and pending products keep
	 * bypassing the cache.
	 */
	private final BooleanSupplier databaseAvailable;

	/** Product id to the newest outbox entry not yet confirmed by Redis. */
	private final ConcurrentMap<UUID, Long> pending = new ConcurrentHashMap<>();

	/**
	 * Entries Redis confirmed, whose rows are deleted in batches off the request path: a
	 * write's own delete of its row would be one more statement, and one more commit, for
	 * every write.
	 */
	private final Set<Long> delivered = ConcurrentHashMap.newKeySet();

	/**
	 * Keeps the gauge's count of rows and of delivered entries consistent with each
	 * other.
	 */
	private final Lock removing = new ReentrantLock();

	private final TracedSteps steps;

	@Autowired
	CacheInvalidator(InvalidationOutbox outbox, RedisEntries redis, CacheProperties properties,
			DatabaseAvailability database, MeterRegistry meters, TracedSteps steps) {
		this(outbox, redis::delete, properties.outboxPollInterval(), database::isAvailable, meters, steps);
	}

	CacheInvalidator(InvalidationOutbox outbox, Predicate<UUID> delete, Duration pollInterval,
			BooleanSupplier databaseAvailable, MeterRegistry meters, TracedSteps steps) {
		this.outbox = outbox;
		this.delete = delete;
		this.steps = steps;
		this.pollInterval = pollInterval;
		this.databaseAvailable = databaseAvailable;
		Gauge.builder("product.cache.invalidations.pending", this, CacheInvalidator::undelivered)
			.description("Cache invalidations committed to the database but not yet confirmed by Redis")
			.register(meters);
	}

	/**
	 * Records that the product's cache entry must go; call inside the write's
	 * transaction.
	 */
	public long record(UUID productId) {
		return this.outbox.record(productId);
	}

	/** Deletes the product's cache entry; call after the write committed. */
	public void invalidate(UUID productId, long entryId) {
		if (delete(productId)) {
			this.delivered.add(entryId);
		}
		else {
			this.pending.merge(productId, entryId, Math::max);
		}
	}

	/**
	 * Deletes the product's cache entry after a write whose commit failed, and so may or
	 * may not have happened. Its outbox row, if it exists, is left to
	 * {@link #deliverPending}: the entry id may be reused by a later write if the commit
	 * did not happen, so it must not be removed by id.
	 */
	public void invalidateAfterFailedCommit(UUID productId, long entryId) {
		if (!delete(productId)) {
			this.pending.merge(productId, entryId, Math::max);
		}
	}

	/** Deletes the product's key; true if Redis confirmed it. */
	private boolean delete(UUID productId) {
		Observation deleting = this.steps.start(TracedSteps.INVALIDATE);
		boolean confirmed = this.delete.test(productId);
		deleting.lowCardinalityKeyValue("cache.delete", confirmed ? "confirmed" : "unconfirmed").stop();
		return confirmed;
	}

	/**
	 * Whether Redis may still hold a value older than a committed write of this product.
	 */
	boolean isPending(UUID productId) {
		return !this.pending.isEmpty() && this.pending.containsKey(productId);
	}

	@Override
	public void configureTasks(ScheduledTaskRegistrar tasks) {
		tasks.addFixedDelayTask(this::deliverPending, this.pollInterval);
		tasks.addFixedDelayTask(this::removeDelivered, DELIVERED_REMOVAL_INTERVAL);
	}

	/** Deletes the rows of confirmed entries, all of them in a statement or a few. */
	void removeDelivered() {
		if (this.delivered.isEmpty() || !this.databaseAvailable.getAsBoolean()) {
			return;
		}
		this.removing.lock();
		try {
			List<Long> ids = List.copyOf(this.delivered);
			this.outbox.remove(ids);
			ids.forEach(this.delivered::remove);
		}
		finally {
			this.removing.unlock();
		}
	}

	/** The rows whose delete Redis has not confirmed yet. */
	private double undelivered() {
		if (!this.databaseAvailable.getAsBoolean()) {
			return Double.NaN;
		}
		this.removing.lock();
		try {
			return Math.max(0, this.outbox.size() - this.delivered.size());
		}
		finally {
			this.removing.unlock();
		}
	}

	/** What a confirmed write left in the outbox is deleted on the way out. */
	@Override
	public void destroy() {
		removeDelivered();
	}

	void deliverPending() {
		if (!this.databaseAvailable.getAsBoolean()) {
			return;
		}
		// Taken before reading the outbox: an entry marked pending after this point may
		// belong to a write that committed after the read, so this round must not clear
		// it.
		Map<UUID, Long> pendingBefore = Map.copyOf(this.pending);
		List<Entry> entries = this.outbox.oldest(BATCH_SIZE);
		Map<UUID, Long> newest = new LinkedHashMap<>();
		for (Entry entry : entries) {
			if (this.delivered.contains(entry.id())) {
				// Confirmed already; only its row is still there.
				continue;
			}
			newest.merge(entry.productId(), entry.id(), Math::max);
			this.pending.merge(entry.productId(), entry.id(), Math::max);
		}
		if (entries.size() < BATCH_SIZE) {
			// Products with no entry left were delivered by another instance.
			pendingBefore.forEach((productId, entryId) -> {
				if (!newest.containsKey(productId)) {
					this.pending.remove(productId, entryId);
				}
			});
		}
		for (Map.Entry<UUID, Long> entry : newest.entrySet()) {
			if (!delete(entry.getKey())) {
				logger.debug("Redis still unavailable; {} cache invalidations pending", this.pending.size());
				return;
			}
			this.outbox.removeUpTo(entry.getKey(), entry.getValue());
			// Only if no newer write of the product failed its own delete meanwhile.
			this.pending.remove(entry.getKey(), entry.getValue());
		}
	}

}
