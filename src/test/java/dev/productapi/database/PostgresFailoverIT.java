package dev.productapi.database;

import java.sql.Connection;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Statement;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.assertj.core.api.SoftAssertions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.productapi.database.MixedLoad.Request;
import dev.productapi.support.Api;
import dev.productapi.support.Api.Response;
import dev.productapi.support.Await;
import dev.productapi.support.RunningApp;
import dev.productapi.support.TestPostgres;
import dev.productapi.support.TestRedis;

import static org.awaitility.Awaitility.await;

/**
 * The PostgreSQL primary crashes under load and its streaming standby is promoted a
 * second later. The API, given both hosts with {@code targetServerType=primary}, finds
 * the new primary by itself; meanwhile requests fail fast with 503s, and afterwards every
 * product reads as the new primary has it, even where the asynchronous standby missed the
 * last acknowledged writes of the old one.
 */
class PostgresFailoverIT {

	private static final int DATABASE_TIMEOUT_MS = 1000;

	private static final int PRODUCTS = 50;

	private static final long BOUND_MS = Unavailable.boundMs(DATABASE_TIMEOUT_MS);

	@RegisterExtension
	static final TestRedis redis = new TestRedis();

	@Test
	void theApiFollowsThePromotedStandbyAndNoCacheEntryOutlivesTheFailover() throws SQLException {
		try (TestPostgres primary = TestPostgres.started();
				TestPostgres standby = primary.standby();
				RunningApp app = RunningApp.start(redis, TestPostgres.multiHostUrl(primary, standby),
						"DATABASE_TIMEOUT_MS", String.valueOf(DATABASE_TIMEOUT_MS))) {
			Api api = app.api();
			List<String> ids = new ArrayList<>();
			for (int i = 0; i < PRODUCTS; i++) {
				ids.add(api.create("Product " + i, "1.00", i));
				api.get("/products/" + ids.get(i));
			}
			MixedLoad load = MixedLoad.start(api, ids, 4);
			Await.pause(Duration.ofSeconds(1));

			long stoppedAt = System.nanoTime();
			primary.stop();
			// a write sent after this can only succeed on the new primary; one sent
			// before
			// may still have been answered by the old one while it was being stopped
			long goneAt = System.nanoTime();
			Await.pause(Duration.ofSeconds(1));
			standby.promote();
			long promotedAt = System.nanoTime();
			await("a write succeeds on the new primary").atMost(Duration.ofSeconds(30))
				.until(() -> firstWriteAfter(load.requests(), goneAt) != null);
			Await.pause(Duration.ofSeconds(2));
			List<Request> requests = load.stop();

			Request firstWrite = firstWriteAfter(requests, goneAt);
			Map<Integer, Integer> rows = stockOnTheNewPrimary(standby, ids);
			report(requests, stoppedAt, promotedAt, firstWrite, rows);
			Map<Integer, String> stale = productsReadOtherwiseThanStored(app, ids, rows);

			// soft, so that one broken promise does not hide the others
			SoftAssertions.assertSoftly((softly) -> {
				softly.assertThat(standby.queryString("SELECT pg_is_in_recovery()"))
					.as("the new primary in recovery")
					.isEqualTo("f");
				softly.assertThat(requests.stream().filter((request) -> request.status() != 200).toList())
					.as("requests answered neither 200 nor 503")
					.allMatch((request) -> request.status() == 503);
				softly.assertThat(requests.stream().filter((request) -> request.millis() > BOUND_MS).toList())
					.as("requests slower than " + BOUND_MS + " ms")
					.isEmpty();
				softly.assertThat(stale).as("products the API reads otherwise than the new primary has them").isEmpty();
			});
		}
	}

	private static Map<Integer, String> productsReadOtherwiseThanStored(RunningApp app, List<String> ids,
			Map<Integer, Integer> rows) {
		// NaN while the API finds the database unavailable
		await("the outbox drains").atMost(Duration.ofSeconds(15))
			.until(() -> app.gauge("product.cache.invalidations.pending") == 0.0);
		Map<Integer, String> stale = new HashMap<>();
		for (int i = 0; i < ids.size(); i++) {
			for (int read = 0; read < 2; read++) {
				// the first may fill the cache, the second reads what it holds
				Response response = app.api().get("/products/" + ids.get(i));
				int stock = (response.status() == 200) ? response.json().get("stock_quantity").asInt() : -1;
				if (stock != rows.get(i)) {
					stale.put(i, "API " + response.status() + " " + stock + " (" + response.cache() + "), database "
							+ rows.get(i));
				}
			}
		}
		return stale;
	}

	private static Request firstWriteAfter(List<Request> requests, long nanos) {
		return requests.stream()
			.filter((request) -> request.write() && request.status() == 200 && request.start() > nanos)
			.min((a, b) -> Long.compare(a.end(), b.end()))
			.orElse(null);
	}

	private static Map<Integer, Integer> stockOnTheNewPrimary(TestPostgres primary, List<String> ids)
			throws SQLException {
		Map<String, Integer> byId = new HashMap<>();
		try (Connection connection = primary.connect();
				Statement statement = connection.createStatement();
				ResultSet rows = statement.executeQuery("SELECT id, stock_quantity FROM products")) {
			while (rows.next()) {
				byId.put(rows.getString(1), rows.getInt(2));
			}
		}
		Map<Integer, Integer> stock = new HashMap<>();
		for (int i = 0; i < ids.size(); i++) {
			stock.put(i, byId.get(ids.get(i)));
		}
		return stock;
	}

	/**
	 * Acknowledged writes that the new primary does not have: for each product, those
	 * acknowledged after the write whose value it holds (each product's writes are
	 * sequential, see {@link MixedLoad}).
	 */
	private static int lostAcknowledgedWrites(List<Request> requests, Map<Integer, Integer> rows) {
		Map<Integer, List<Request>> writes = requests.stream()
			.filter(Request::write)
			.collect(Collectors.groupingBy(Request::product));
		int lost = 0;
		for (Map.Entry<Integer, List<Request>> product : writes.entrySet()) {
			List<Request> ordered = product.getValue()
				.stream()
				.sorted((a, b) -> Long.compare(a.start(), b.start()))
				.toList();
			int applied = -1;
			for (int i = 0; i < ordered.size(); i++) {
				if (ordered.get(i).value().equals(rows.get(product.getKey()))) {
					applied = i;
				}
			}
			lost += (int) ordered.subList(applied + 1, ordered.size())
				.stream()
				.filter((write) -> write.status() == 200)
				.count();
		}
		return lost;
	}

	private static void report(List<Request> requests, long stoppedAt, long promotedAt, Request firstWrite,
			Map<Integer, Integer> rows) {
		long unavailable = requests.stream().filter((request) -> request.status() == 503).count();
		long writes = requests.stream().filter((request) -> request.write() && request.status() == 200).count();
		log(requests.size() + " requests, " + writes + " acknowledged writes, " + unavailable + " answered 503; "
				+ "slowest " + requests.stream().mapToLong(Request::millis).max().orElse(0) + " ms");
		log("primary stopped -> standby promoted: " + (promotedAt - stoppedAt) / 1_000_000
				+ " ms; first successful write " + (firstWrite.end() - stoppedAt) / 1_000_000 + " ms after the stop, "
				+ (firstWrite.end() - promotedAt) / 1_000_000 + " ms after the promotion");
		log("acknowledged writes lost in the failover: " + lostAcknowledgedWrites(requests, rows));
	}

	private static void log(String message) {
		System.out.println("[PostgresFailoverIT] " + message);
	}

}
