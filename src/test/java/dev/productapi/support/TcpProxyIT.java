package dev.productapi.support;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.PreparedStatement;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The proxy's traps, with pgjdbc as the API uses it (extended protocol, server-prepared
 * statements after a few uses, COMMIT as a named statement): a cut after the COMMIT
 * leaves the write committed, a dropped COMMIT leaves it rolled back, and the client
 * cannot tell either from the other.
 */
class TcpProxyIT {

	@RegisterExtension
	static final TestPostgres postgres = new TestPostgres();

	private final TcpProxy proxy = TcpProxy.to(postgres);

	@BeforeAll
	static void table() throws SQLException {
		try (Connection connection = postgres.connect(); Statement statement = connection.createStatement()) {
			statement.execute("CREATE TABLE t (id int PRIMARY KEY, v text)");
			statement.execute("INSERT INTO t VALUES (1, 'original')");
		}
	}

	@AfterEach
	void closeProxy() {
		this.proxy.close();
	}

	@Test
	void aCutAfterTheCommitLeavesTheWriteCommittedAndTheClientInTheDark() throws SQLException {
		try (Connection connection = throughProxy()) {
			warmUp(connection);
			this.proxy.cutAfterCommit("cut-after");

			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> write(connection, "cut-after"))
				.satisfies((ex) -> assertThat(ex.getSQLState()).startsWith("08"));
		}
		assertThat(this.proxy.cuts()).isEqualTo(1);
		assertThat(postgres.queryString("SELECT v FROM t WHERE id = 1")).isEqualTo("cut-after");
	}

	@Test
	void aDroppedCommitLeavesTheWriteRolledBackAndTheClientInTheDark() throws SQLException {
		try (Connection connection = throughProxy()) {
			warmUp(connection);
			String before = postgres.queryString("SELECT v FROM t WHERE id = 1");
			this.proxy.dropCommit("dropped");

			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> write(connection, "dropped"))
				.satisfies((ex) -> assertThat(ex.getSQLState()).startsWith("08"));
			assertThat(this.proxy.cuts()).isEqualTo(1);
			await("the server has rolled back").atMost(Duration.ofSeconds(5))
				.until(() -> "0"
					.equals(postgres.queryString("SELECT count(*) FROM pg_stat_activity WHERE state LIKE 'idle in%'")));
			assertThat(postgres.queryString("SELECT v FROM t WHERE id = 1")).isEqualTo(before);
		}
	}

	@Test
	void onlyTheTransactionThatSentTheMarkerIsCut() throws SQLException {
		try (Connection other = throughProxy(); Connection marked = throughProxy()) {
			warmUp(other);
			warmUp(marked);
			this.proxy.cutAfterCommit("marked");

			write(other, "plain");
			assertThat(this.proxy.isArmed()).isTrue();
			assertThatExceptionOfType(SQLException.class).isThrownBy(() -> write(marked, "marked"));
			assertThat(this.proxy.isArmed()).isFalse();
			write(other, "after the cut");
		}
		assertThat(this.proxy.cuts()).isEqualTo(1);
		assertThat(postgres.queryString("SELECT v FROM t WHERE id = 1")).isEqualTo("after the cut");
	}

	private Connection throughProxy() throws SQLException {
		Connection connection = DriverManager.getConnection("jdbc:postgresql://127.0.0.1:" + this.proxy.port() + "/"
				+ TestPostgres.DATABASE + "?user=" + TestPostgres.USER + "&connectTimeout=2&socketTimeout=10");
		connection.setAutoCommit(false);
		return connection;
	}

	/**
	 * Enough transactions that pgjdbc prepares its statements, COMMIT included, on the
	 * server and sends only their names from then on.
	 */
	private static void warmUp(Connection connection) throws SQLException {
		for (int i = 0; i < 10; i++) {
			write(connection, "warm-up " + i);
		}
	}

	private static void write(Connection connection, String value) throws SQLException {
		try (PreparedStatement update = connection.prepareStatement("UPDATE t SET v = ? WHERE id = 1")) {
			update.setString(1, value);
			update.executeUpdate();
		}
		connection.commit();
	}

}
