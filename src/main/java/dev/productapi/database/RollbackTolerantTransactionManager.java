package dev.productapi.database;

import java.sql.Connection;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.dao.DataAccessException;
import org.springframework.jdbc.datasource.JdbcTransactionObjectSupport;
import org.springframework.jdbc.support.JdbcTransactionManager;
import org.springframework.transaction.TransactionException;
import org.springframework.transaction.support.DefaultTransactionStatus;

/**
 * A transaction manager whose failed rollback does not replace the failure that caused
 * it.
 * <p>
 * A rollback fails when the connection is already gone (the server crashed, so it
 * discards the transaction itself) or when no transaction ever began (SQLite refused
 * {@code BEGIN IMMEDIATE} as busy). Spring would then log an ERROR with a stack trace and
 * throw the rollback's exception, which says only "Connection is closed", instead of the
 * failure that tells a 503 from a bug. Here the rollback's failure is logged at DEBUG,
 * and the connection is evicted from the pool so that nothing reuses it.
 */
class RollbackTolerantTransactionManager extends JdbcTransactionManager {

	private static final Logger logger = LoggerFactory.getLogger(RollbackTolerantTransactionManager.class);

	RollbackTolerantTransactionManager(DataSource dataSource) {
		super(dataSource);
	}

	@Override
	protected void doRollback(DefaultTransactionStatus status) {
		try {
			super.doRollback(status);
		}
		catch (TransactionException | DataAccessException ex) {
			logger.debug("Rollback failed; the connection is discarded", ex);
			Connection connection = ((JdbcTransactionObjectSupport) status.getTransaction()).getConnectionHolder()
				.getConnection();
			if (obtainDataSource() instanceof HikariDataSource pool) {
				pool.evictConnection(connection);
			}
		}
	}

}
