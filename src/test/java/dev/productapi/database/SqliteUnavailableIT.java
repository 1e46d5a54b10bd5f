package dev.productapi.database;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;
import java.util.function.Supplier;

import ch.qos.logback.classic.Level;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.productapi.support.Api;
import dev.productapi.support.Api.Response;
import dev.productapi.support.ApiUnderTest;
import dev.productapi.support.LogCapture;
import dev.productapi.support.RunningApp;
import dev.productapi.support.TestDatabases;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowable;

/**
 * SQLite's ways of being unavailable: while another process holds the file's write lock,
 * writes are a 503 within the bound, and reads go on (cached ones from Redis, the others
 * from the file, which WAL lets readers share with the lock's holder) until the lock
 * goes; a file that is not a database stops the start with a message that names the
 * setting to fix.
 */
@ExtendWith(OutputCaptureExtension.class)
class SqliteUnavailableIT {

	private static final int DATABASE_TIMEOUT_MS = 1000;

	private static final long BOUND_MS = Unavailable.boundMs(DATABASE_TIMEOUT_MS);

	private static final String DATABASE_URL = TestDatabases.sqlite();

	@RegisterExtension
	static final ApiUnderTest app = ApiUnderTest.withSettings("DATABASE_URL", DATABASE_URL, "DATABASE_TIMEOUT_MS",
			String.valueOf(DATABASE_TIMEOUT_MS), "CACHE_NEGATIVE_TTL_SECONDS", "600");

	private final Api api = app.api();

	@Test
	void writesToALockedFileAre503sUntilTheLockGoesAndReadsGoOn() throws SQLException {
		String cached = "/products/" + this.api.create("Kettle", "39.00", 10);
		this.api.get(cached);
		assertThat(this.api.get(cached).cache()).isEqualTo("HIT");
		String absent = "/products/" + UUID.randomUUID();
		assertThat(this.api.get(absent).status()).isEqualTo(404);
		String uncached = "/products/" + this.api.create("Toaster", "25.00", 4);

		List<String> times = new ArrayList<>();
		try (LogCapture log = LogCapture.start(); Connection lock = lockExclusively()) {
			assertThat(this.api.get(cached).cache()).isEqualTo("HIT");
			assertThat(this.api.get(absent).status()).as("the cached 404").isEqualTo(404);
			assertThat(this.api.get(uncached).status()).as("an uncached read").isEqualTo(200);
			times.add("POST " + fails("POST",
					() -> this.api.post("/products", "{\"name\":\"Mixer\",\"price\":1.00,\"stock_quantity\":1}")));
			times.add("PUT " + fails("PUT", () -> this.api.put(cached, "{\"stock_quantity\": 9}")));
			for (int i = 0; i < 3; i++) {
				fails("PUT #" + i, () -> this.api.put(cached, "{\"stock_quantity\": 8}"));
			}
			// one outage, however many writes it turns away
			assertThat(log.messages("dev.productapi.database.DatabaseAvailability", Level.WARN, "Database unreachable"))
				.as("WARNs while the lock was held")
				.hasSize(1);
			times.add("DELETE " + fails("DELETE", () -> this.api.delete(uncached)));
			assertThat(log.errors()).isEmpty();
		}
		System.out.println("[SqliteUnavailableIT] 503 with the file locked, in ms: " + String.join(", ", times));

		assertThat(this.api.put(cached, "{\"stock_quantity\": 7}").status()).isEqualTo(200);
		assertThat(this.api.get(cached).json().get("stock_quantity").asInt()).isEqualTo(7);
		assertThat(this.api.delete(uncached).status()).isEqualTo(204);
		assertThat(this.api.post("/products", "{\"name\":\"Mixer\",\"price\":1.00,\"stock_quantity\":1}").status())
			.isEqualTo(201);
	}

	@Test
	void aFileThatIsNotADatabaseStopsTheStartWithAMessageNamingTheSetting(CapturedOutput output) throws IOException {
		Path file = Files.createTempDirectory("product-api-test").resolve("products.db");
		Files.writeString(file, "Not a database, but a note someone left here.\n".repeat(200));

		Throwable failure = catchThrowable(() -> RunningApp.start(app.redis(), "jdbc:sqlite:" + file).close());

		assertThat(failure).as("the start-up failure").isNotNull();
		String analysis = output.getAll();
		int report = analysis.indexOf("APPLICATION FAILED TO START");
		assertThat(messages(failure) + ((report >= 0) ? analysis.substring(report) : ""))
			.as("what the operator is told")
			.contains("DATABASE_URL");
	}

	private static long fails(String what, Supplier<Response> request) {
		return Unavailable.assertFailsFast(what, BOUND_MS, request);
	}

	/**
	 * Another process's connection in an exclusive transaction, until it is closed. In
	 * WAL mode (the API's) that holds the write lock only: shutting readers out too would
	 * take {@code locking_mode=EXCLUSIVE}, which cannot get its lock while the API's pool
	 * has the file open.
	 */
	private static Connection lockExclusively() throws SQLException {
		Connection connection = DriverManager.getConnection(DATABASE_URL);
		try (Statement statement = connection.createStatement()) {
			statement.execute("BEGIN EXCLUSIVE");
		}
		return connection;
	}

	private static String messages(Throwable failure) {
		StringBuilder messages = new StringBuilder();
		for (Throwable cause = failure; cause != null; cause = (cause.getCause() == cause) ? null : cause.getCause()) {
			messages.append(cause.getClass().getName()).append(": ").append(cause.getMessage()).append('\n');
		}
		return messages.toString();
	}

}
