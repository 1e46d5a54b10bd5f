package dev.productapi.database;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.stream.IntStream;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.jdbc.DataSourceUnwrapper;

import dev.productapi.support.Api;
import dev.productapi.support.ApiUnderTest;
import dev.productapi.support.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Slow reads do not stop the requests that need no database.
 * <p>
 * As many list requests as the JVM has carrier threads for virtual threads search for a
 * name that no product has: each reads every row of a large table, with long names, in
 * one call into SQLite's native code. On {@link DatabaseThreads} they hold platform
 * threads, and the liveness probe, asked for while they run, is answered before any of
 * them. With the database threads switched off (a test-only setting) they hold every
 * carrier, and the probe is answered only after one of them: that is how a burst of reads
 * turned into seconds of waiting for the requests behind it.
 */
class SlowReadsIT {

	/** The virtual-thread scheduler's carriers. */
	private static final int CARRIERS = Integer.getInteger("jdk.virtualThreadScheduler.parallelism",
			Runtime.getRuntime().availableProcessors());

	private static final String SLOW_READ = "/products?q=no-such-product";

	private static final String PROBE = "/actuator/health/liveness";

	private static final int PRODUCTS = 300_000;

	/** A connection for every slow read, so that none of them waits for the pool. */
	private static final String POOL_SIZE = String.valueOf(CARRIERS + 4);

	private static final String SQLITE_WITH_THREADS = TestDatabases.sqlite();

	private static final String SQLITE_WITHOUT = TestDatabases.sqlite();

	@RegisterExtension
	static final ApiUnderTest withThreads = ApiUnderTest.withSettings("DATABASE_URL", SQLITE_WITH_THREADS,
			"DATABASE_POOL_SIZE", POOL_SIZE);

	@RegisterExtension
	static final ApiUnderTest withoutThreads = ApiUnderTest.withSettings("DATABASE_URL", SQLITE_WITHOUT,
			"DATABASE_POOL_SIZE", POOL_SIZE, "product-api.database.read-threads", "false");

	@BeforeAll
	static void fillTheDatabases() throws SQLException {
		insertProducts(SQLITE_WITH_THREADS);
		insertProducts(SQLITE_WITHOUT);
	}

	@Test
	void theLivenessProbeOvertakesSlowReadsOnEveryCarrier() throws Exception {
		assertThat(probeOvertakesSlowReads(withThreads)).isTrue();
	}

	@Test
	void withoutTheDatabaseThreadsTheProbeWaitsForASlowRead() throws Exception {
		assertThat(probeOvertakesSlowReads(withoutThreads)).isFalse();
	}

	/**
	 * Sends one slow read per carrier, and the probe once each of them holds a pooled
	 * connection (and so is on its way into SQLite, or in it): whether the probe's answer
	 * came before the first of theirs.
	 */
	private static boolean probeOvertakesSlowReads(ApiUnderTest under) throws Exception {
		Api api = under.app().api();
		HikariDataSource pool = DataSourceUnwrapper.unwrap(under.app().bean(DataSource.class), HikariDataSource.class);
		ExecutorService clients = Executors.newFixedThreadPool(CARRIERS + 1);
		try {
			answeredAt(api, PROBE, clients).join();
			List<CompletableFuture<Long>> slowReads = IntStream.range(0, CARRIERS)
				.mapToObj((i) -> answeredAt(api, SLOW_READ, clients))
				.toList();
			await("a slow read on every carrier").atMost(Duration.ofSeconds(30))
				.until(() -> pool.getHikariPoolMXBean().getActiveConnections() >= CARRIERS);
			long probe = answeredAt(api, PROBE, clients).join();
			long firstSlowRead = slowReads.stream().mapToLong(CompletableFuture::join).min().orElseThrow();
			return probe < firstSlowRead;
		}
		finally {
			clients.shutdownNow();
		}
	}

	/** When a successful answer came. */
	private static CompletableFuture<Long> answeredAt(Api api, String path, ExecutorService clients) {
		return CompletableFuture.supplyAsync(() -> {
			int status = api.get(path).status();
			long answered = System.nanoTime();
			assertThat(status).as(path).isEqualTo(200);
			return answered;
		}, clients);
	}

	private static void insertProducts(String databaseUrl) throws SQLException {
		try (Connection connection = DriverManager.getConnection(databaseUrl);
				Statement statement = connection.createStatement()) {
			statement.executeUpdate("""
					WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < %d)
					INSERT INTO products (id, name, price_cents, stock_quantity)
					SELECT printf('20000000-0000-4000-8000-%%012x', i), 'Product ' || i || ' ' || hex(zeroblob(100)),
					       100 + i %% 1000, 1 FROM n
					""".formatted(PRODUCTS));
		}
	}

}
