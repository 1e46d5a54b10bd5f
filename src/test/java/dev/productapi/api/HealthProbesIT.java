package dev.productapi.api;

import java.sql.Connection;
import java.sql.DriverManager;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.productapi.config.DatabaseUrl;
import dev.productapi.support.Api;
import dev.productapi.support.Api.Response;
import dev.productapi.support.RunningApp;
import dev.productapi.support.TestDatabases;
import dev.productapi.support.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The orchestrator's probes: liveness is the process's own state only, and readiness
 * leaves out Redis and the database, so neither an outage of Redis nor one of the
 * database restarts an instance or takes it out of rotation.
 * <p>
 * The database is made unavailable for real: the test's own PostgreSQL database refuses
 * new connections ({@code ALLOW_CONNECTIONS false}) and the API's open ones are
 * terminated (from the server's {@code postgres} database), then it is given back.
 */
class HealthProbesIT {

	private static final String LIVENESS = "/actuator/health/liveness";

	private static final String READINESS = "/actuator/health/readiness";

	@RegisterExtension
	static final TestRedis redis = new TestRedis();

	@Test
	void eachProbeHoldsItsOwnStateOnly() {
		try (RunningApp app = RunningApp.start(redis, TestDatabases.sqlite())) {
			Response liveness = app.api().get(LIVENESS);
			Response readiness = app.api().get(READINESS);

			assertThat(liveness.status()).isEqualTo(200);
			assertThat(liveness.json().get("components").propertyNames()).containsExactly("livenessState");
			assertThat(readiness.status()).isEqualTo(200);
			assertThat(readiness.json().get("components").propertyNames()).containsExactly("readinessState");
		}
	}

	@Test
	void livenessAndReadinessStayUpWithoutTheDatabaseAndWithoutRedis() throws SQLException {
		String databaseUrl = TestDatabases.postgres();
		try (RunningApp app = RunningApp.start(redis, databaseUrl, "DATABASE_TIMEOUT_MS", "1000");
				Connection admin = connect(maintenanceDatabaseOf(databaseUrl))) {
			Api api = app.api();
			String product = "/products/" + api.create("Cached", "1.00", 1);
			api.get(product);
			assertThat(api.get(product).cache()).isEqualTo("HIT");

			String database = databaseUrl.substring(databaseUrl.lastIndexOf('/') + 1);
			setConnectionsAllowed(admin, database, false);
			try {
				await("the database check fails").atMost(Duration.ofSeconds(30))
					.until(() -> api.get("/actuator/health").status() == 503);
				assertThat(api.get("/actuator/health").json().at("/components/db/status").asString()).isEqualTo("DOWN");
				Response simple = api.get("/health");
				assertThat(simple.status()).isEqualTo(200);
				assertThat(simple.json().get("database").asString()).isEqualTo("unavailable");
				assertUp(api, LIVENESS);
				assertUp(api, READINESS);
				// What readiness would have cut off: a product in Redis is still served.
				assertThat(api.get(product).status()).isEqualTo(200);

				redis.stop();
				await("the API sees Redis gone").atMost(Duration.ofSeconds(15)).until(() -> {
					api.get(product);
					return "unavailable".equals(api.get("/health").json().get("redis").asString());
				});
				assertUp(api, LIVENESS);
				assertUp(api, READINESS);
			}
			finally {
				setConnectionsAllowed(admin, database, true);
				redis.start();
			}
			await("the database check passes again").atMost(Duration.ofSeconds(30))
				.until(() -> api.get("/actuator/health").status() == 200);
		}
	}

	private static void assertUp(Api api, String probe) {
		Response response = api.get(probe);
		assertThat(response.status()).as(probe).isEqualTo(200);
		assertThat(response.json().get("status").asString()).as(probe).isEqualTo("UP");
	}

	private static Connection connect(String databaseUrl) throws SQLException {
		DatabaseUrl url = DatabaseUrl.parse(databaseUrl);
		return DriverManager.getConnection(url.jdbcUrl(), url.username(), url.password());
	}

	/** The same server's {@code postgres} database, where TestDatabases creates them. */
	private static String maintenanceDatabaseOf(String databaseUrl) {
		return databaseUrl.substring(0, databaseUrl.lastIndexOf('/')) + "/postgres";
	}

	/**
	 * Opens or closes the test's database to new connections; closing it also ends the
	 * API's open ones.
	 */
	private static void setConnectionsAllowed(Connection admin, String database, boolean allowed) throws SQLException {
		try (Statement statement = admin.createStatement()) {
			statement.execute("ALTER DATABASE \"" + database + "\" WITH ALLOW_CONNECTIONS " + allowed);
			if (!allowed) {
				statement.execute("SELECT pg_terminate_backend(pid) FROM pg_stat_activity WHERE datname = '" + database
						+ "' AND pid <> pg_backend_pid()");
			}
		}
	}

}
