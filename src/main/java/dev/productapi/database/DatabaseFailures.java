package dev.productapi.database;

import java.sql.SQLException;
import java.sql.SQLNonTransientConnectionException;
import java.sql.SQLRecoverableException;
import java.sql.SQLTimeoutException;
import java.sql.SQLTransientConnectionException;
import java.util.Set;

import org.sqlite.SQLiteErrorCode;
import org.sqlite.SQLiteException;

import org.springframework.dao.QueryTimeoutException;
import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.CannotCreateTransactionException;
import org.springframework.transaction.TransactionTimedOutException;

/**
 * Tells a database that cannot answer now (down, unreachable, failing over, locked, too
 * slow) from one that rejected a statement. The first is worth a 503 and a retry; the
 * second is a bug, and stays a 500.
 */
public final class DatabaseFailures {

	/**
	 * SQLite's primary result codes for a file that cannot be used now: busy or locked by
	 * another process, read-only, unreadable, full, missing or not a database.
	 */
	private static final Set<Integer> SQLITE_UNAVAILABLE = Set.of(SQLiteErrorCode.SQLITE_BUSY.code,
			SQLiteErrorCode.SQLITE_LOCKED.code, SQLiteErrorCode.SQLITE_READONLY.code, SQLiteErrorCode.SQLITE_IOERR.code,
			SQLiteErrorCode.SQLITE_CORRUPT.code, SQLiteErrorCode.SQLITE_FULL.code, SQLiteErrorCode.SQLITE_CANTOPEN.code,
			SQLiteErrorCode.SQLITE_NOTADB.code);

	private DatabaseFailures() {
	}

	/** Whether the failure, or any of its causes, says the database cannot answer now. */
	public static boolean isUnavailability(Throwable failure) {
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() == cause) ? null : cause.getCause()) {
			if (cause instanceof CannotGetJdbcConnectionException || cause instanceof CannotCreateTransactionException
					|| cause instanceof TransactionTimedOutException || cause instanceof QueryTimeoutException) {
				return true;
			}
			if (cause instanceof SQLException sql && isUnavailability(sql)) {
				return true;
			}
		}
		return false;
	}

	private static boolean isUnavailability(SQLException ex) {
		if (ex instanceof SQLTransientConnectionException || ex instanceof SQLNonTransientConnectionException
				|| ex instanceof SQLRecoverableException || ex instanceof SQLTimeoutException) {
			return true;
		}
		if (ex instanceof SQLiteException sqlite) {
			return SQLITE_UNAVAILABLE.contains(sqlite.getResultCode().code & 0xff);
		}
		String state = ex.getSQLState();
		// SQLSTATE classes 08 (connection exception), 53 (insufficient resources, such
		// as too many connections) and 57 (operator intervention: shutdown, crash
		// recovery, a cancelled statement), and 25006: a write sent to a standby, which
		// happens while a failover is under way.
		return state != null && (state.startsWith("08") || state.startsWith("53") || state.startsWith("57")
				|| state.equals("25006"));
	}

}
