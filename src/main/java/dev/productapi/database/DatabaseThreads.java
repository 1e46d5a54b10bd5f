package dev.productapi.database;

import java.time.Duration;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.beans.factory.DisposableBean;
import org.springframework.boot.jdbc.DataSourceUnwrapper;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.stereotype.Component;
import org.springframework.transaction.support.TransactionSynchronizationManager;

/**
 * Platform threads for the reads made outside a transaction (products by id, pages of the
 * catalog): one thread per pooled connection, taken in order of arrival.
 * <p>
 * Requests run on virtual threads, whose scheduler has one carrier thread per core and
 * never preempts: a virtual thread keeps its carrier until it blocks, and one inside
 * SQLite's native code cannot even be unmounted. A carrier also runs the virtual threads
 * woken on it before it takes a new request from Tomcat. When every request read the
 * database (Redis down, list pages), the reads held the carriers in turn while the
 * requests behind them waited, and the slowest took seconds where the median took
 * milliseconds. On platform threads the kernel shares the cores between the reads, and a
 * request's virtual thread waits for its read parked, holding nothing. A transaction's
 * statements stay on the thread that holds its connection.
 */
@Component
public class DatabaseThreads implements DisposableBean {

	/** {@code null} when switched off: every read then runs on its caller's thread. */
	private final ThreadPoolExecutor threads;

	private final long queueTimeoutNanos;

	DatabaseThreads(DataSource dataSource, DatabaseQueueProperties queueing, MeterRegistry meters) {
		HikariDataSource pool = DataSourceUnwrapper.unwrap(dataSource, HikariDataSource.class);
		if (pool == null || !queueing.readThreads()) {
			this.threads = null;
			this.queueTimeoutNanos = 0;
			return;
		}
		int size = pool.getMaximumPoolSize();
		this.threads = new ThreadPoolExecutor(size, size, 0, TimeUnit.SECONDS, new LinkedBlockingQueue<>(),
				Thread.ofPlatform().name("database-", 1).daemon().factory());
		this.queueTimeoutNanos = Duration.ofMillis(pool.getConnectionTimeout()).toNanos();
		Gauge.builder("product.db.reads.queued", this.threads, (threads) -> threads.getQueue().size())
			.description("Database reads waiting for a database thread")
			.register(meters);
	}

	/**
	 * Runs the read on a database thread and waits for it, or runs it here within a
	 * transaction. A read that waited longer than the database timeout for a thread fails
	 * without running, as a database that cannot answer now (a 503).
	 */
	public <T> T read(Supplier<T> read) {
		if (this.threads == null || TransactionSynchronizationManager.isActualTransactionActive()) {
			return read.get();
		}
		long queued = System.nanoTime();
		Future<T> reading = this.threads.submit(() -> {
			if (System.nanoTime() - queued > this.queueTimeoutNanos) {
				throw new CannotGetJdbcConnectionException("No database thread free within "
						+ Duration.ofNanos(this.queueTimeoutNanos).toMillis() + " ms");
			}
			return read.get();
		});
		try {
			return reading.get();
		}
		catch (ExecutionException ex) {
			// A Supplier throws nothing checked.
			if (ex.getCause() instanceof Error error) {
				throw error;
			}
			throw (RuntimeException) ex.getCause();
		}
		catch (InterruptedException ex) {
			reading.cancel(false);
			Thread.currentThread().interrupt();
			throw new CannotGetJdbcConnectionException("Interrupted while waiting for a database read");
		}
	}

	@Override
	public void destroy() {
		if (this.threads != null) {
			this.threads.shutdown();
		}
	}

}
