package dev.productapi.database;

import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;

import org.springframework.transaction.CannotCreateTransactionException;

/**
 * SQLite's one writer at a time, queued in Java.
 * <p>
 * SQLite lets one transaction write at a time, and a second writer waits in its busy
 * handler: native code that sleeps and retries until {@code busy_timeout}. A virtual
 * thread in native code holds its carrier, so a few writers waiting there stop every
 * other request of the process, even the ones that need no database, and the writer that
 * holds the lock waits for a carrier to commit. Here writers wait for the lock on a fair
 * semaphore instead: parked, in turn, and without a pooled connection. Only one writer at
 * a time is ever inside SQLite, so another process holding the file's lock is all the
 * busy handler still waits for.
 */
final class SingleWriter {

	private final Semaphore lock = new Semaphore(1, true);

	private final long timeoutNanos;

	SingleWriter(Duration timeout) {
		this.timeoutNanos = timeout.toNanos();
	}

	/**
	 * Waits for the turn to write, at most the database timeout; fails as a transaction
	 * that could not begin, which is answered 503.
	 */
	void acquire() {
		try {
			if (this.lock.tryAcquire(this.timeoutNanos, TimeUnit.NANOSECONDS)) {
				return;
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		throw new CannotCreateTransactionException(
				"No turn to write to SQLite within " + Duration.ofNanos(this.timeoutNanos).toMillis() + " ms",
				new SQLTransientConnectionException(waiting() + " writes waiting"));
	}

	void release() {
		this.lock.release();
	}

	/** The writes waiting for their turn. */
	int waiting() {
		return this.lock.getQueueLength();
	}

}
