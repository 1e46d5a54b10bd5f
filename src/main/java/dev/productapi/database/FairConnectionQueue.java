package dev.productapi.database;

import java.lang.reflect.InvocationHandler;
import java.lang.reflect.InvocationTargetException;
import java.lang.reflect.Method;
import java.lang.reflect.Proxy;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.concurrent.Semaphore;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import javax.sql.DataSource;

import org.springframework.jdbc.datasource.DelegatingDataSource;

/**
 * Hands out the pool's connections first come, first served.
 * <p>
 * HikariCP is not fair: a connection given back goes to whichever thread asks next, and
 * under a burst (Redis down, every read a database read) the newest arrivals keep taking
 * connections while a few early waiters wait until they time out. With one fair permit
 * per pooled connection in front of the pool, a request waits its turn, and the slowest
 * request waits about as long as the queue is deep, not seconds more. A request that
 * waits longer than the pool's connection timeout fails as HikariCP's own wait would: a
 * {@link SQLTransientConnectionException}, answered 503.
 */
final class FairConnectionQueue extends DelegatingDataSource {

	private final Semaphore permits;

	private final long timeoutNanos;

	FairConnectionQueue(DataSource pool, int poolSize, Duration timeout) {
		super(pool);
		this.permits = new Semaphore(poolSize, true);
		this.timeoutNanos = timeout.toNanos();
	}

	@Override
	public Connection getConnection() throws SQLException {
		acquire();
		try {
			return releasingOnClose(super.getConnection());
		}
		catch (SQLException | RuntimeException ex) {
			this.permits.release();
			throw ex;
		}
	}

	@Override
	public Connection getConnection(String username, String password) throws SQLException {
		throw new SQLException("The pool's connections all have the same user");
	}

	/** The requests waiting for a connection. */
	int waiting() {
		return this.permits.getQueueLength();
	}

	private void acquire() throws SQLException {
		try {
			if (!this.permits.tryAcquire(this.timeoutNanos, TimeUnit.NANOSECONDS)) {
				throw new SQLTransientConnectionException("No database connection became free within "
						+ Duration.ofNanos(this.timeoutNanos).toMillis() + " ms; " + waiting() + " requests waiting");
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new SQLTransientConnectionException("Interrupted while waiting for a database connection", ex);
		}
	}

	private Connection releasingOnClose(Connection pooled) {
		return (Connection) Proxy.newProxyInstance(Connection.class.getClassLoader(),
				new Class<?>[] { Connection.class }, new Lease(pooled, this.permits));
	}

	/**
	 * The pool's own connection behind one this queue handed out, for HikariCP calls that
	 * need its proxy, such as evicting it.
	 */
	static Connection pooled(Connection connection) {
		if (Proxy.isProxyClass(connection.getClass())
				&& Proxy.getInvocationHandler(connection) instanceof Lease lease) {
			return lease.pooled;
		}
		return connection;
	}

	/** A pooled connection that gives its permit back when it is closed, once. */
	private static final class Lease implements InvocationHandler {

		private final Connection pooled;

		private final Semaphore permits;

		private final AtomicBoolean released = new AtomicBoolean();

		Lease(Connection pooled, Semaphore permits) {
			this.pooled = pooled;
			this.permits = permits;
		}

		@Override
		public Object invoke(Object proxy, Method method, Object[] args) throws Throwable {
			switch (method.getName()) {
				case "close" -> {
					try {
						this.pooled.close();
					}
					finally {
						if (this.released.compareAndSet(false, true)) {
							this.permits.release();
						}
					}
					return null;
				}
				case "equals" -> {
					return proxy == args[0];
				}
				case "hashCode" -> {
					return System.identityHashCode(proxy);
				}
				case "toString" -> {
					return "Queued " + this.pooled;
				}
				default -> {
					try {
						return method.invoke(this.pooled, args);
					}
					catch (InvocationTargetException ex) {
						throw ex.getTargetException();
					}
				}
			}
		}

	}

}
