package dev.productapi.database;

import java.time.Duration;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.core.NestedExceptionUtils;
import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Whether the database answers, learnt from the failures of real work rather than from a
 * probe on every request.
 * <p>
 * The first failure that means "unreachable" turns the state to unavailable and logs one
 * WARN; later ones only count. While unavailable, a {@code SELECT 1} every
 * {@link #PROBE_INTERVAL} finds out when the database is back, so recovery is noticed and
 * logged once (INFO) even without traffic. The probe runs in a transaction, as writes do:
 * on SQLite that takes the write lock, so a file locked by another process counts as
 * unavailable until it is released, not only until the next read succeeds. The state
 * feeds health, metrics and logs; it never refuses work itself, so a request after
 * recovery does not wait for the probe.
 */
@Component
public class DatabaseAvailability implements SchedulingConfigurer {

	private static final Logger logger = LoggerFactory.getLogger(DatabaseAvailability.class);

	static final Duration PROBE_INTERVAL = Duration.ofMillis(500);

	private static final long AVAILABLE = Long.MIN_VALUE;

	private final JdbcClient jdbc;

	private final TransactionTemplate transactions;

	private final Counter errors;

	/** {@link System#nanoTime} when the database became unreachable, or AVAILABLE. */
	private final AtomicLong unavailableSince = new AtomicLong(AVAILABLE);

	private final AtomicLong failuresSince = new AtomicLong();

	private final AtomicReference<String> lastError = new AtomicReference<>();

	DatabaseAvailability(JdbcClient jdbc, TransactionTemplate transactions, MeterRegistry meters) {
		this.jdbc = jdbc;
		this.transactions = transactions;
		this.errors = Counter.builder("product.database.errors")
			.description("Database operations that failed because the database was unreachable, locked or too slow")
			.register(meters);
		Gauge.builder("product.database.available", this, (self) -> self.isAvailable() ? 1 : 0)
			.description("1 while the database answers, 0 from its first unreachable failure until a probe succeeds")
			.register(meters);
	}

	public boolean isAvailable() {
		return this.unavailableSince.get() == AVAILABLE;
	}

	/** Why the database was last found unreachable, while it still is; else null. */
	public String lastError() {
		return isAvailable() ? null : this.lastError.get();
	}

	/**
	 * Records the failure if it means the database cannot answer now.
	 * @return whether it does; if not, the failure is a bug for the caller to report
	 */
	public boolean recordIfUnavailable(Throwable failure) {
		if (!DatabaseFailures.isUnavailability(failure)) {
			return false;
		}
		this.errors.increment();
		this.failuresSince.incrementAndGet();
		String reason = NestedExceptionUtils.getMostSpecificCause(failure).getMessage();
		this.lastError.set(reason);
		if (this.unavailableSince.compareAndSet(AVAILABLE, System.nanoTime())) {
			logger.warn("Database unreachable ({}); requests that need it answer 503 until it is back", reason);
		}
		return true;
	}

	@Override
	public void configureTasks(ScheduledTaskRegistrar tasks) {
		tasks.addFixedDelayTask(this::probeIfUnavailable, PROBE_INTERVAL);
	}

	void probeIfUnavailable() {
		long since = this.unavailableSince.get();
		if (since == AVAILABLE) {
			return;
		}
		try {
			this.transactions.executeWithoutResult((status) -> this.jdbc.sql("SELECT 1").query(Integer.class).single());
		}
		catch (RuntimeException ex) {
			if (!recordIfUnavailable(ex)) {
				logger.warn("Database probe failed", ex);
			}
			return;
		}
		if (this.unavailableSince.compareAndSet(since, AVAILABLE)) {
			logger.info("Database reachable again after {} ms; {} operations failed meanwhile",
					Duration.ofNanos(System.nanoTime() - since).toMillis(), this.failuresSince.getAndSet(0));
		}
	}

}
