package dev.productapi.database;

import java.nio.file.Path;
import java.sql.Connection;
import java.sql.SQLException;
import java.sql.SQLTransientConnectionException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.zaxxer.hikari.HikariDataSource;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;
import static org.awaitility.Awaitility.await;

/** The queue in front of a real HikariCP pool of SQLite connections. */
class FairConnectionQueueTest {

	private HikariDataSource pool;

	private FairConnectionQueue queue;

	@BeforeEach
	void poolOfOne(@TempDir Path directory) {
		this.pool = new HikariDataSource();
		this.pool.setJdbcUrl("jdbc:sqlite:" + directory.resolve("queue.db"));
		this.pool.setMaximumPoolSize(1);
		this.pool.setConnectionTimeout(250);
		this.queue = new FairConnectionQueue(this.pool, 1, Duration.ofSeconds(10));
	}

	@AfterEach
	void close() {
		this.pool.close();
	}

	@Test
	void waitersGetTheConnectionInTheOrderTheyAsked() throws Exception {
		List<String> served = new CopyOnWriteArrayList<>();
		List<Thread> waiters = new CopyOnWriteArrayList<>();
		try (Connection held = this.queue.getConnection()) {
			for (String name : List.of("first", "second", "third", "fourth")) {
				int before = this.queue.waiting();
				waiters.add(Thread.ofVirtual().start(() -> {
					try (Connection connection = this.queue.getConnection()) {
						served.add(name);
					}
					catch (SQLException ex) {
						served.add(name + " failed: " + ex.getMessage());
					}
				}));
				await("the " + name + " waiter queued").until(() -> this.queue.waiting() == before + 1);
			}
		}
		for (Thread waiter : waiters) {
			waiter.join(Duration.ofSeconds(10));
		}

		assertThat(served).containsExactly("first", "second", "third", "fourth");
	}

	@Test
	void aWaitLongerThanTheTimeoutIsAnUnavailableDatabase() throws SQLException {
		FairConnectionQueue impatient = new FairConnectionQueue(this.pool, 1, Duration.ofMillis(100));
		try (Connection held = impatient.getConnection()) {
			Throwable failure = catchThrowable(impatient::getConnection);

			assertThat(failure).isInstanceOf(SQLTransientConnectionException.class)
				.hasMessageContaining("No database connection became free within 100 ms");
			assertThat(DatabaseFailures.isUnavailability(failure)).as("answered 503").isTrue();
		}
		try (Connection again = impatient.getConnection()) {
			assertThat(again.isValid(1)).as("the permit came back when the holder closed").isTrue();
		}
	}

	@Test
	void closingTwiceGivesOnePermitBack() throws SQLException {
		FairConnectionQueue impatient = new FairConnectionQueue(this.pool, 1, Duration.ofMillis(100));
		Connection connection = impatient.getConnection();
		connection.close();
		connection.close();
		try (Connection held = impatient.getConnection()) {
			assertThat(catchThrowable(impatient::getConnection)).as("a second connection while one is held")
				.isInstanceOf(SQLTransientConnectionException.class)
				.as("refused by the queue, not by the pool behind it")
				.hasMessageContaining("No database connection became free");
		}
	}

	@Test
	void theEvictablePooledConnectionIsTheOneBehindTheQueuedOne() throws SQLException {
		try (Connection queued = this.queue.getConnection()) {
			Connection pooled = FairConnectionQueue.pooled(queued);

			assertThat(pooled).isNotSameAs(queued).isInstanceOf(com.zaxxer.hikari.pool.ProxyConnection.class);
			this.pool.evictConnection(pooled);
		}
		try (Connection next = this.queue.getConnection()) {
			assertThat(next.isValid(1)).isTrue();
		}
	}

}
