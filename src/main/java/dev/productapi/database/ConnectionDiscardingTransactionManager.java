package dev.productapi.database;

import java.sql.Connection;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.jdbc.DataSourceUnwrapper;
import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.datasource.JdbcTransactionObjectSupport;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionDefinition;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.DefaultTransactionStatus;

/**
 * A transaction manager whose failed rollback does not replace the failure that caused
 * it, and that never returns a connection to the pool after its commit or rollback
 * failed.
 * <p>
 * A rollback fails when the connection is already gone (the server crashed, so it
 * discards the transaction itself) or when no transaction ever began (SQLite refused
 * {@code BEGIN IMMEDIATE} as busy). Spring would then log an ERROR with a stack trace and
 * throw the rollback's exception, which says only "Connection is closed", instead of the
 * failure that tells a 503 from a bug. Here the rollback's failure is logged at DEBUG.
 * <p>
 * Either way, and after a failed commit, the connection's state is unknown, so it is
 * evicted from the pool. A failed begin is worse: sqlite-jdbc turns its auto-commit flag
 * off before it sends {@code BEGIN IMMEDIATE}, so a busy begin leaves a pooled connection
 * that believes a transaction is open, and the next write on it skips the begin and fails
 * its commit with "no transaction is active" (a 500) once the database is free again.
 * Spring has already returned that connection to the pool, so every pooled connection is
 * replaced as it comes back: after a failed begin the database is away or locked, and
 * connections are cheap to open again.
 * <p>
 * On SQLite, a transaction that may write waits for its turn with {@link SingleWriter}
 * before it takes a connection, and gives the turn back when it ends.
 */
class ConnectionDiscardingTransactionManager extends JdbcTransactionManager {

	private static final Logger logger = LoggerFactory.getLogger(ConnectionDiscardingTransactionManager.class);

	/** Null where the database takes concurrent writers. */
	private final SingleWriter writer;

	/** The transactions that hold the writer's turn. */
	private final Set<Object> writing = ConcurrentHashMap.newKeySet();

	ConnectionDiscardingTransactionManager(DataSource dataSource, SingleWriter writer) {
		super(dataSource);
		this.writer = writer;
	}

	@Override
	protected void doBegin(Object transaction, TransactionDefinition definition) {
		boolean writes = this.writer != null && !definition.isReadOnly();
		if (writes) {
			this.writer.acquire();
		}
		try {
			super.doBegin(transaction, definition);
		}
		catch (RuntimeException | Error ex) {
			if (writes) {
				this.writer.release();
			}
			if (ex instanceof CannotCreateTransactionException) {
				HikariDataSource pool = pool();
				if (pool != null && pool.getHikariPoolMXBean() != null) {
					pool.getHikariPoolMXBean().softEvictConnections();
				}
			}
			throw ex;
		}
		if (writes) {
			this.writing.add(transaction);
		}
	}

	@Override
	protected void doCleanupAfterCompletion(Object transaction) {
		try {
			super.doCleanupAfterCompletion(transaction);
		}
		finally {
			if (this.writing.remove(transaction)) {
				this.writer.release();
			}
		}
	}

	/** The writes waiting for their turn; 0 where writers do not queue. */
	int writersWaiting() {
		return (this.writer != null) ? this.writer.waiting() : 0;
	}

	@Override
	protected void doCommit(DefaultTransactionStatus status) {
		try {
			super.doCommit(status);
		}
		catch (TransactionException | DataAccessException ex) {
			evict(status);
			throw ex;
		}
	}

	@Override
	protected void doRollback(DefaultTransactionStatus status) {
		try {
			super.doRollback(status);
		}
		catch (TransactionException | DataAccessException ex) {
			logger.debug("Rollback failed; the connection is discarded", ex);
			evict(status);
		}
	}

	private void evict(DefaultTransactionStatus status) {
		Connection connection = ((JdbcTransactionObjectSupport) status.getTransaction()).getConnectionHolder()
			.getConnection();
		HikariDataSource pool = pool();
		if (pool != null) {
			pool.evictConnection(connection);
		}
	}

	private HikariDataSource pool() {
		return DataSourceUnwrapper.unwrap(obtainDataSource(), HikariDataSource.class);
	}

}
