package dev.productapi.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.nio.file.StandardOpenOption;
import java.nio.file.attribute.PosixFilePermissions;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Comparator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.awaitility.core.ConditionTimeoutException;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import static org.awaitility.Awaitility.await;

/**
 * A PostgreSQL server of the test's own, on 127.0.0.1, a free port and a temporary data
 * directory, that the test may crash ({@link #stop()}), start again on the same port and
 * data ({@link #start()}, {@link #restart()}), give a streaming standby
 * ({@link #standby()}) and promote. Unlike {@link TestDatabases}' shared server, it is
 * there to be broken.
 * <p>
 * It runs the programs {@link PostgresBinaries} finds, with trust authentication (also
 * for replication), {@code fsync} off and small memory settings. Its database
 * {@value #DATABASE} belongs to {@value #USER}; {@link #url()} is a {@code DATABASE_URL}
 * for it. As an extension
 * ({@code @RegisterExtension static final TestPostgres postgres = new TestPostgres()},
 * registered before the {@link ApiUnderTest} that uses its {@link #url()}) it runs for
 * the whole class. A JVM shutdown hook kills what a dying test left running.
 */
public final class TestPostgres implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

	public static final String HOST = "127.0.0.1";

	public static final String DATABASE = "products";

	public static final String USER = "postgres";

	private static final Duration START_TIMEOUT = Duration.ofSeconds(60);

	private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

	private static final Set<Path> DIRECTORIES = ConcurrentHashMap.newKeySet();

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			RUNNING.forEach(Process::destroyForcibly);
			DIRECTORIES.forEach(TestPostgres::deleteRecursively);
		}, "postgres-cleanup"));
	}

	private final PostgresBinaries binaries;

	private final String name;

	private final Path dir;

	private final int port;

	private boolean initialized;

	private boolean databaseCreated;

	private Process process;

	/** A new server, started by {@link #start()} or as an extension. */
	public TestPostgres() {
		this(PostgresBinaries.get());
	}

	/** A new server that runs these programs. */
	TestPostgres(PostgresBinaries binaries) {
		this(binaries, "postgres", false);
	}

	private TestPostgres(PostgresBinaries binaries, String name, boolean initialized) {
		this.binaries = binaries;
		this.name = name;
		this.port = Ports.free(false);
		this.initialized = initialized;
		this.databaseCreated = initialized;
		try {
			this.dir = Files.createTempDirectory("pg" + this.port + "-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		DIRECTORIES.add(this.dir);
	}

	public static TestPostgres started() {
		TestPostgres postgres = new TestPostgres();
		postgres.start();
		return postgres;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		start();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		close();
	}

	public int port() {
		return this.port;
	}

	/** The database as a libpq-style {@code DATABASE_URL}. */
	public String url() {
		return "postgresql://" + USER + "@" + HOST + ":" + this.port + "/" + DATABASE;
	}

	/** The database as a JDBC URL that names its user. */
	public String jdbcUrl() {
		return "jdbc:postgresql://" + HOST + ":" + this.port + "/" + DATABASE + "?user=" + USER;
	}

	/**
	 * A libpq-style multi-host {@code DATABASE_URL} over these servers that connects to
	 * whichever of them is the primary.
	 */
	public static String multiHostUrl(TestPostgres... servers) {
		String hosts = Arrays.stream(servers)
			.map((server) -> HOST + ":" + server.port)
			.collect(Collectors.joining(","));
		return "postgresql://" + USER + "@" + hosts + "/" + DATABASE + "?targetServerType=primary";
	}

	/**
	 * A JDBC multi-host URL over these servers that connects to whichever of them is the
	 * primary.
	 */
	public static String multiHostJdbcUrl(TestPostgres... servers) {
		String hosts = Arrays.stream(servers)
			.map((server) -> HOST + ":" + server.port)
			.collect(Collectors.joining(","));
		return "jdbc:postgresql://" + hosts + "/" + DATABASE + "?user=" + USER + "&targetServerType=primary";
	}

	/** The programs it runs. */
	public PostgresBinaries binaries() {
		return this.binaries;
	}

	/** The server's log, for a failure message. */
	public Path log() {
		return this.dir.resolve("postgres.log");
	}

	public synchronized boolean isRunning() {
		return this.process != null && this.process.isAlive();
	}

	/**
	 * Starts the server, on first use after {@code initdb}, and waits until it accepts
	 * connections; on the same port and data after {@link #stop()}.
	 */
	public synchronized void start() {
		if (isRunning()) {
			return;
		}
		if (!this.initialized) {
			this.binaries.run(log(), "initdb", "-D", data().toString(), "-U", USER, "--auth=trust", "--encoding=UTF8",
					"--locale=C", "--no-sync");
			appendLine(data().resolve("pg_hba.conf"), "host replication all 127.0.0.1/32 trust");
			this.initialized = true;
		}
		launch();
		awaitReady();
		if (!this.databaseCreated) {
			execute("postgres", "CREATE DATABASE " + DATABASE);
			this.databaseCreated = true;
		}
	}

	/**
	 * Crashes the server, as {@code pg_ctl stop -m immediate} does (SIGQUIT to the
	 * postmaster): every backend quits at once without a checkpoint, connections drop,
	 * and the next start recovers from the WAL.
	 */
	public synchronized void stop() {
		stop("QUIT");
	}

	/** {@link #stop()}, then {@link #start()} on the same port and data. */
	public synchronized void restart() {
		stop();
		start();
	}

	/**
	 * A streaming standby of this server, started and replicating, on a port of its own.
	 * Made with {@code pg_basebackup -R} where there is one; otherwise from a copy of
	 * this server's data directory while it is shut down cleanly (so it restarts:
	 * connections to it drop), with {@code standby.signal} and {@code primary_conninfo}.
	 */
	public TestPostgres standby() {
		TestPostgres standby = new TestPostgres(this.binaries, "standby of " + this.port, true);
		if (this.binaries.has("pg_basebackup")) {
			this.binaries.run(standby.log(), "pg_basebackup", "-h", HOST, "-p", String.valueOf(this.port), "-U", USER,
					"-D", standby.data().toString(), "-R", "-X", "stream", "-c", "fast", "--no-sync");
		}
		else {
			synchronized (this) {
				stop("INT");
				copyData(standby.data());
				start();
			}
			appendLine(standby.data().resolve("postgresql.auto.conf"),
					"primary_conninfo = 'host=" + HOST + " port=" + this.port + " user=" + USER + "'");
			appendLine(standby.data().resolve("standby.signal"), "");
		}
		standby.start();
		await(standby + " streams from " + this).atMost(START_TIMEOUT)
			.until(() -> "streaming".equals(standby.queryString("SELECT status FROM pg_stat_wal_receiver")));
		return standby;
	}

	/** Promotes this standby, and waits until it accepts writes. */
	public void promote() {
		if (!"t".equals(queryString("SELECT pg_promote(true, 60)"))) {
			throw new IllegalStateException(this + " was not promoted within 60 s; see " + log());
		}
		await(this + " is out of recovery").atMost(START_TIMEOUT).until(() -> !isInRecovery());
	}

	/** Whether the server is a standby (in recovery). */
	public boolean isInRecovery() {
		return "t".equals(queryString("SELECT pg_is_in_recovery()"));
	}

	/**
	 * A connection to the database, for looking at it from outside the API; short
	 * timeouts, so a test against a stopped server fails quickly.
	 */
	public Connection connect() throws SQLException {
		return connect(DATABASE);
	}

	/** The first column of the first row as text, or null. */
	public String queryString(String sql) {
		try (Connection connection = connect();
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery(sql)) {
			return rows.next() ? rows.getString(1) : null;
		}
		catch (SQLException ex) {
			throw new IllegalStateException(this + ": " + sql + " failed", ex);
		}
	}

	@Override
	public synchronized void close() {
		stop("INT");
		DIRECTORIES.remove(this.dir);
		deleteRecursively(this.dir);
	}

	@Override
	public String toString() {
		return "PostgreSQL " + this.name + " on " + HOST + ":" + this.port;
	}

	private Path data() {
		return this.dir.resolve("data");
	}

	private void launch() {
		try {
			// a smaller buffer pool and fewer connections than the defaults: several of
			// these
			// servers may run at once, on a small machine
			List<String> command = this.binaries.command("postgres", "-D", data().toString(), "-p",
					String.valueOf(this.port), "-h", HOST, "-k", this.dir.toString(), "-c", "fsync=off", "-c",
					"full_page_writes=off", "-c", "shared_buffers=16MB", "-c", "max_connections=60", "-c",
					"wal_level=replica", "-c", "max_wal_senders=4", "-c", "wal_keep_size=64MB", "-c", "hot_standby=on",
					"-c", "logging_collector=off");
			this.process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(log().toFile()))
				.start();
			RUNNING.add(this.process);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start " + this, ex);
		}
	}

	private void awaitReady() {
		try {
			await(this + " accepts connections").atMost(START_TIMEOUT).pollInterval(Duration.ofMillis(50)).until(() -> {
				try (Connection connection = connect("postgres")) {
					return true;
				}
				catch (SQLException ex) {
					// still starting, or recovering
				}
				if (!this.process.isAlive()) {
					throw new IllegalStateException(this + " exited while starting:\n" + logTail(30));
				}
				return false;
			});
		}
		catch (ConditionTimeoutException ex) {
			throw new IllegalStateException(
					this + " did not accept connections within " + START_TIMEOUT.toSeconds() + " s:\n" + logTail(30));
		}
	}

	/** Signals the postmaster (QUIT: immediate, INT: fast) and waits until it is gone. */
	private void stop(String signal) {
		Process running = this.process;
		if (running == null) {
			return;
		}
		try {
			if (running.isAlive()) {
				new ProcessBuilder("kill", "-" + signal, String.valueOf(running.pid())).start().waitFor();
				if (!running.waitFor(30, TimeUnit.SECONDS)) {
					running.destroyForcibly().waitFor();
				}
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted stopping " + this, ex);
		}
		RUNNING.remove(running);
		this.process = null;
	}

	private Connection connect(String database) throws SQLException {
		return DriverManager.getConnection("jdbc:postgresql://" + HOST + ":" + this.port + "/" + database + "?user="
				+ USER + "&connectTimeout=2&socketTimeout=30");
	}

	private void execute(String database, String sql) {
		try (Connection connection = connect(database); Statement statement = connection.createStatement()) {
			statement.execute(sql);
		}
		catch (SQLException ex) {
			throw new IllegalStateException(this + ": " + sql + " failed", ex);
		}
	}

	/** Copies the (shut down) data directory, keeping the modes PostgreSQL insists on. */
	private void copyData(Path target) {
		Path source = data();
		try (Stream<Path> paths = Files.walk(source)) {
			for (Path path : paths.toList()) {
				Path copy = target.resolve(source.relativize(path).toString());
				if (path.getFileName().toString().equals("postmaster.pid")) {
					continue;
				}
				Files.copy(path, copy, StandardCopyOption.COPY_ATTRIBUTES);
			}
			Files.setPosixFilePermissions(target, PosixFilePermissions.fromString("rwx------"));
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot copy " + source, ex);
		}
	}

	private String logTail(int lines) {
		try {
			List<String> all = Files.readAllLines(log(), StandardCharsets.UTF_8);
			return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
		}
		catch (IOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

	private static void appendLine(Path file, String line) {
		try {
			Files.writeString(file, line + "\n", StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static void deleteRecursively(Path directory) {
		if (!Files.exists(directory)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(directory)) {
			List<Path> all = new ArrayList<>(paths.toList());
			all.sort(Comparator.reverseOrder());
			for (Path path : all) {
				Files.deleteIfExists(path);
			}
		}
		catch (IOException ex) {
			// a temporary directory; the system cleans it up eventually
		}
	}

}
