package dev.productapi.database;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.jdbc.DataSourceUnwrapper;
import org.springframework.transaction.PlatformTransactionManager;

import dev.productapi.support.Api;
import dev.productapi.support.Api.Response;
import dev.productapi.support.ApiUnderTest;
import dev.productapi.support.Await;
import dev.productapi.support.RunningApp;
import dev.productapi.support.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Writers that wait for SQLite's write lock do not stop the requests that need no
 * database.
 * <p>
 * Another process holds the file's write lock while more writes arrive than the JVM has
 * carrier threads for virtual threads. A writer waiting in SQLite's busy handler sleeps
 * in native code and holds its carrier; with {@link SingleWriter} only one writer is in
 * SQLite and the others park in Java. The liveness probe, which needs no database, must
 * then answer while the lock is still held. With the single writer switched off the same
 * writers take every carrier, and the probe answers only once the lock is gone: the
 * process looks dead to an orchestrator for as long as another process writes.
 */
class WritersWaitingForSqliteIT {

	/** The virtual-thread scheduler's carriers. */
	private static final int CARRIERS = Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
			Runtime.getRuntime().availableProcessors());

	private static final int WRITERS = CARRIERS + 2;

	/** Longer than the test holds the lock, so that no writer gives up meanwhile. */
	private static final String DATABASE_TIMEOUT_MS = "30000";

	private static final String[] SETTINGS = { "DATABASE_TIMEOUT_MS", DATABASE_TIMEOUT_MS, "DATABASE_POOL_SIZE",
			String.valueOf(WRITERS + 4) };

	private static final String SQLITE_WITH_SINGLE_WRITER = TestDatabases.sqlite();

	private static final String SQLITE_WITHOUT = TestDatabases.sqlite();

	@RegisterExtension
	static final ApiUnderTest withSingleWriter = ApiUnderTest
		.withSettings(concat("DATABASE_URL", SQLITE_WITH_SINGLE_WRITER));

	@RegisterExtension
	static final ApiUnderTest withoutSingleWriter = ApiUnderTest
		.withSettings(concat("DATABASE_URL", SQLITE_WITHOUT, "product-api.database.single-writer", "false"));

	@Test
	void theLivenessProbeAnswersWhileWritersWaitForTheLock() throws Exception {
		LockedRun run = writeWhileLocked(withSingleWriter, SQLITE_WITH_SINGLE_WRITER);

		assertThat(run.probeWhileLocked()).as("the liveness probe, answered while the lock was held").isEqualTo(200);
		assertThat(run.writes()).as("the writes, once the lock went").containsOnly(201).hasSize(WRITERS);
	}

	@Test
	void withoutTheSingleWriterTheWaitingWritersStopTheProbeUntilTheLockGoes() throws Exception {
		LockedRun run = writeWhileLocked(withoutSingleWriter, SQLITE_WITHOUT);

		assertThat(run.probeWhileLocked()).as("the liveness probe's answer while the lock was held (none)").isNull();
		assertThat(run.writes()).containsOnly(201).hasSize(WRITERS);
	}

	/**
	 * Holds the write lock, sends the writes, waits until they hold every carrier or
	 * queue in Java, then asks for the liveness probe; releases the lock after the
	 * probe's answer, or after 5 s without one.
	 */
	private static LockedRun writeWhileLocked(ApiUnderTest under, String databaseUrl) throws Exception {
		RunningApp app = under.app();
		Api api = app.api();
		ExecutorService clients = Executors.newFixedThreadPool(WRITERS + 1);
		try {
			List<CompletableFuture<Integer>> writes = new ArrayList<>();
			CompletableFuture<Response> probe;
			Integer probeWhileLocked = null;
			// Closing the connection ends its transaction and so releases the lock.
			try (Connection lock = DriverManager.getConnection(databaseUrl)) {
				try (Statement statement = lock.createStatement()) {
					statement.execute("BEGIN IMMEDIATE");
				}
				for (int i = 0; i < WRITERS; i++) {
					String body = "{\"name\":\"Writer " + i + "\",\"price\":1.00,\"stock_quantity\":1}";
					writes.add(CompletableFuture.supplyAsync(() -> api.post("/products", body).status(), clients));
				}
				await("writers waiting for the lock").atMost(Duration.ofSeconds(30))
					.until(() -> waitingWriters(app) >= CARRIERS);
				// Long enough for the writers holding connections to be inside SQLite's
				// busy handler; what is measured is only whether the probe answers at
				// all.
				Await.pause(Duration.ofMillis(200));
				probe = CompletableFuture.supplyAsync(() -> api.get("/actuator/health/liveness"), clients);
				try {
					probeWhileLocked = probe.get(5, TimeUnit.SECONDS).status();
				}
				catch (TimeoutException ex) {
					// Still waiting for a carrier: what the negative control shows.
				}
			}
			catch (SQLException ex) {
				throw new IllegalStateException("Could not hold SQLite's write lock", ex);
			}
			List<Integer> statuses = new ArrayList<>();
			for (CompletableFuture<Integer> write : writes) {
				statuses.add(write.get(60, TimeUnit.SECONDS));
			}
			assertThat(probe.get(60, TimeUnit.SECONDS).status()).as("the probe, once the lock went").isEqualTo(200);
			return new LockedRun(probeWhileLocked, statuses);
		}
		finally {
			clients.shutdownNow();
		}
	}

	/** Writers inside SQLite (each with a pooled connection) or queued for their turn. */
	private static int waitingWriters(RunningApp app) {
		HikariDataSource pool = DataSourceUnwrapper.unwrap(app.bean(DataSource.class), HikariDataSource.class);
		int queued = (app
			.bean(PlatformTransactionManager.class) instanceof ConnectionDiscardingTransactionManager manager)
					? manager.writersWaiting() : 0;
		return pool.getHikariPoolMXBean().getActiveConnections() + queued;
	}

	private static String[] concat(String... settings) {
		String[] all = new String[settings.length + SETTINGS.length];
		System.arraycopy(settings, 0, all, 0, settings.length);
		System.arraycopy(SETTINGS, 0, all, settings.length, SETTINGS.length);
		return all;
	}

	private record LockedRun(Integer probeWhileLocked, List<Integer> writes) {
	}

}
