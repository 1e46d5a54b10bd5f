package dev.productapi.redis;

import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.Supplier;

import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.api.StatefulConnection;

/**
 * One Lettuce connection, opened on first use rather than at start-up, so the API starts
 * without Redis: a failed open throws like any failed command, and the circuit breaker
 * decides when to try again. Once open, Lettuce reconnects it by itself, until
 * {@link #reset} throws it away.
 */
final class LazyConnection<C extends StatefulConnection<?, ?>> implements AutoCloseable {

	private final Supplier<C> connector;

	private final Lock opening = new ReentrantLock();

	private volatile C connection;

	private volatile int failedOpens;

	private volatile boolean closed;

	LazyConnection(Supplier<C> connector) {
		this.connector = connector;
	}

	C get() {
		C open = this.connection;
		return (open != null) ? open : open();
	}

	/** The connection if it is open, without opening it. */
	C getIfOpen() {
		return this.connection;
	}

	private C open() {
		int failedBefore = this.failedOpens;
		this.opening.lock();
		try {
			if (this.closed) {
				throw new RedisException("The cache connection is closed");
			}
			if (this.connection != null) {
				return this.connection;
			}
			// Callers that queued behind a failed open fail with it, instead of each
			// paying the connect timeout in turn.
			if (this.failedOpens != failedBefore) {
				throw new RedisConnectionException("Redis could not be reached just now");
			}
			C opened;
			try {
				opened = this.connector.get();
			}
			catch (RuntimeException ex) {
				this.failedOpens++;
				throw ex;
			}
			this.connection = opened;
			// Published before this check, so a close() that ran meanwhile either saw the
			// connection and closed it, or is seen here.
			if (this.closed) {
				opened.close();
				throw new RedisException("The cache connection is closed");
			}
			return opened;
		}
		finally {
			this.opening.unlock();
		}
	}

	/** How many opens have failed; each paid the connect timeout. */
	int failedOpens() {
		return this.failedOpens;
	}

	/**
	 * Throws the connection away; the next use opens a new one, which looks the master up
	 * again (through the sentinels, for a Sentinel group).
	 */
	void reset() {
		C open = this.connection;
		this.connection = null;
		if (open != null) {
			open.closeAsync();
		}
	}

	/**
	 * Closes the connection without waiting for an open in progress: at shutdown,
	 * Lettuce's event loop may stop under that open and leave it waiting for good.
	 */
	@Override
	public void close() {
		this.closed = true;
		C open = this.connection;
		if (open != null) {
			open.close();
		}
	}

}
