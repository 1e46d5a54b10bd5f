package dev.productapi.database;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.NestedExceptionUtils;

/**
 * A database that cannot be used at start-up (unreachable, refusing the credentials'
 * host, or a file that is not a database) becomes a short report that names the setting
 * to check, instead of a stack trace from deep inside the migration.
 */
class DatabaseFailureAnalyzer implements FailureAnalyzer {

	@Override
	public FailureAnalysis analyze(Throwable failure) {
		if (!DatabaseFailures.isUnavailability(failure)) {
			return null;
		}
		String reason = NestedExceptionUtils.getMostSpecificCause(failure).getMessage();
		return new FailureAnalysis("The database that DATABASE_URL names cannot be used: " + reason,
				"Check DATABASE_URL (and DATABASE_USER, DATABASE_PASSWORD): that the server is running and "
						+ "reachable from here, or that the SQLite file is a database this process may read and write.",
				failure);
	}

}
