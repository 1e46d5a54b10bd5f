package dev.productapi.idempotency;

import java.time.Clock;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;

/**
 * Deletes expired idempotency keys every {@code purge-interval}, a batch per statement so
 * the purge never holds the database's write lock for long. Expired keys already behave
 * as new; the purge only keeps the table small.
 */
@Component
public class IdempotencyKeyPurge implements SchedulingConfigurer {

	private static final Logger logger = LoggerFactory.getLogger(IdempotencyKeyPurge.class);

	private final IdempotencyKeys keys;

	private final IdempotencyProperties properties;

	private final Clock clock = Clock.systemUTC();

	IdempotencyKeyPurge(IdempotencyKeys keys, IdempotencyProperties properties) {
		this.keys = keys;
		this.properties = properties;
	}

	@Override
	public void configureTasks(ScheduledTaskRegistrar tasks) {
		tasks.addFixedDelayTask(this::purgeOrWarn, this.properties.purgeInterval());
	}

	/** Deletes every key expired by now; returns how many. */
	public int purge() {
		long now = this.clock.millis();
		int batchSize = this.properties.purgeBatchSize();
		int total = 0;
		int deleted;
		do {
			deleted = this.keys.deleteExpired(now, batchSize);
			total += deleted;
		}
		while (deleted == batchSize);
		if (total > 0) {
			logger.info("Purged {} expired idempotency keys", total);
		}
		return total;
	}

	private void purgeOrWarn() {
		try {
			purge();
		}
		catch (RuntimeException ex) {
			logger.warn("Could not purge expired idempotency keys; trying again in {}", this.properties.purgeInterval(),
					ex);
		}
	}

}
