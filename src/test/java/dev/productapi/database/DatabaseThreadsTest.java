package dev.productapi.database;

import java.time.Duration;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import com.zaxxer.hikari.HikariDataSource;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;

import org.springframework.jdbc.CannotGetJdbcConnectionException;
import org.springframework.transaction.support.TransactionSynchronizationManager;

import dev.productapi.support.Await;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Where {@link DatabaseThreads} runs a read, and what a read that waited too long for a
 * thread gets. The pool is only configured: no connection is ever opened.
 */
class DatabaseThreadsTest {

	private static final long TIMEOUT_MS = 250;

	private final HikariDataSource pool = pool();

	private final SimpleMeterRegistry meters = new SimpleMeterRegistry();

	private final DatabaseThreads threads = new DatabaseThreads(this.pool, new DatabaseQueueProperties(true, true),
			this.meters);

	/** The callers, one per read. */
	private final ExecutorService callers = Executors.newFixedThreadPool(2);

	@AfterEach
	void close() {
		this.callers.shutdownNow();
		this.threads.destroy();
		this.pool.close();
	}

	@Test
	void aReadRunsOnADatabaseThread() {
		assertThat(this.threads.read(() -> Thread.currentThread().getName())).startsWith("database-");
	}

	@Test
	void aReadInATransactionRunsOnTheThreadHoldingItsConnection() {
		TransactionSynchronizationManager.setActualTransactionActive(true);
		try {
			assertThat(this.threads.read(Thread::currentThread)).isSameAs(Thread.currentThread());
		}
		finally {
			TransactionSynchronizationManager.setActualTransactionActive(false);
		}
	}

	@Test
	void aReadsFailureReachesTheCallerAsItIs() {
		IllegalStateException failure = new IllegalStateException("no such table");
		assertThatExceptionOfType(IllegalStateException.class).isThrownBy(() -> this.threads.read(() -> {
			throw failure;
		})).isSameAs(failure);
	}

	@Test
	void aReadThatWaitedLongerThanTheTimeoutForAThreadFailsWithoutRunning() throws Exception {
		CountDownLatch holding = new CountDownLatch(1);
		CountDownLatch release = new CountDownLatch(1);
		CompletableFuture<Boolean> first = CompletableFuture.supplyAsync(() -> this.threads.read(() -> {
			holding.countDown();
			try {
				return release.await(30, TimeUnit.SECONDS);
			}
			catch (InterruptedException ex) {
				throw new IllegalStateException(ex);
			}
		}), this.callers);
		assertThat(holding.await(30, TimeUnit.SECONDS)).isTrue();
		AtomicBoolean ran = new AtomicBoolean();
		CompletableFuture<Boolean> second = CompletableFuture
			.supplyAsync(() -> this.threads.read(() -> ran.getAndSet(true)), this.callers);
		await("the second read queued").atMost(Duration.ofSeconds(30))
			.until(() -> this.meters.get("product.db.reads.queued").gauge().value() == 1);
		// It waits behind the first, on the only thread, past the timeout.
		Await.pause(Duration.ofMillis(2 * TIMEOUT_MS));
		release.countDown();

		assertThat(first.get(30, TimeUnit.SECONDS)).isTrue();
		assertThat(second).failsWithin(30, TimeUnit.SECONDS)
			.withThrowableOfType(ExecutionException.class)
			.havingCause()
			.isInstanceOf(CannotGetJdbcConnectionException.class)
			.withMessageContaining("No database thread free within " + TIMEOUT_MS + " ms");
		assertThat(ran).isFalse();
		assertThat(DatabaseFailures.isUnavailability(second.handle((value, ex) -> ex).join())).isTrue();
	}

	private static HikariDataSource pool() {
		HikariDataSource pool = new HikariDataSource();
		pool.setJdbcUrl("jdbc:sqlite::memory:");
		pool.setMaximumPoolSize(1);
		pool.setConnectionTimeout(TIMEOUT_MS);
		return pool;
	}

}
