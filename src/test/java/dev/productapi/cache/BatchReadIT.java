package dev.productapi.cache;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;

import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;

import dev.productapi.support.Api;
import dev.productapi.support.Api.Response;
import dev.productapi.support.ApiUnderTest;
import dev.productapi.support.MissPathGate;
import dev.productapi.support.RedisMonitor;
import dev.productapi.support.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /products?ids=...}: one {@code MGET}, the misses loaded in one database
 * query and filled under leases, so a batch keeps every guarantee of a single read.
 */
class BatchReadIT {

	private static final String UNKNOWN = "6f1c7a52-30a4-4bd4-8f0e-2a8b7e2f0c11";

	@RegisterExtension
	static final ApiUnderTest app = ApiUnderTest.withSettings().withSources(MissPathGate.class);

	private final Api api = app.api();

	private final TestRedis redis = app.redis();

	@AfterEach
	void noGate() {
		MissPathGate.arm().release();
	}

	@Test
	void aColdBatchIsOneMgetOneQueryAndFillsUnderLeases() {
		List<String> ids = products(5);
		List<String> keys = ids.stream().map((id) -> "product:" + id).toList();
		int queriesBefore = MissPathGate.productQueries();

		try (RedisMonitor monitor = RedisMonitor.start(redis)) {
			Response response = api.get("/products?ids=" + String.join(",", ids) + "," + UNKNOWN);

			assertThat(response.status()).isEqualTo(200);
			JsonNode body = response.json();
			assertThat(body.get("items")).extracting((item) -> item.get("id").asString()).isEqualTo(ids);
			assertThat(body.get("missing")).extracting(JsonNode::asString).containsExactly(UNKNOWN);
			List<String> commands = monitor.commandsMentioning(keys).stream().map(List::getFirst).toList();
			assertThat(commands).filteredOn("MGET"::equals).hasSize(1);
			assertThat(commands).filteredOn("SET"::equals).as("leases, then the fills' SETs").hasSize(10);
		}
		assertThat(MissPathGate.productQueries() - queriesBefore).as("database queries").isEqualTo(1);
		keys.forEach((key) -> assertThat(redis.commands().get(key)).startsWith("{"));
		assertThat(redis.commands().get("product:" + UNKNOWN)).isEqualTo("~absent");
	}

	@Test
	void aWarmBatchIsOneMgetAndNoQuery() {
		List<String> ids = products(4);
		String path = "/products?ids=" + String.join(",", ids) + "," + UNKNOWN;
		String cold = api.get(path).body();
		int queriesBefore = MissPathGate.productQueries();

		try (RedisMonitor monitor = RedisMonitor.start(redis)) {
			assertThat(api.get(path).body()).isEqualTo(cold);

			assertThat(monitor.commandsMentioning(ids.stream().map((id) -> "product:" + id).toList()))
				.extracting(List::getFirst)
				.containsExactly("MGET");
		}
		assertThat(MissPathGate.productQueries()).isEqualTo(queriesBefore);
	}

	@Test
	void itemsAreTheSameJsonAsSingleReadsAndRepeatedIdsComeOnce() {
		List<String> ids = products(2);
		String single = api.get("/products/" + ids.get(1)).body();

		JsonNode items = api.get("/products?ids=" + ids.get(1) + "," + ids.get(0) + "," + ids.get(1))
			.json()
			.get("items");

		assertThat(items).hasSize(2);
		assertThat(items.get(0).toString()).isEqualTo(api.get("/products/" + ids.get(1)).json().toString());
		assertThat(single).contains(ids.get(1));
	}

	@Test
	void aWriteDuringABatchMissKeepsItsOldRowOutOfTheCache() throws Exception {
		String id = products(1).getFirst();
		MissPathGate.Gate gate = MissPathGate.arm();
		CompletableFuture<Response> batch = CompletableFuture.supplyAsync(() -> api.get("/products?ids=" + id));
		gate.awaitRead();
		assertThat(api.put("/products/" + id, "{\"price\": 99.00}").status()).isEqualTo(200);
		gate.release();

		assertThat(batch.get().status()).isEqualTo(200);
		assertThat(redis.commands().get("product:" + id)).as("the stale fill is refused").isNull();
		assertThat(api.get("/products?ids=" + id).body()).contains("\"price\":99.00");
	}

	@Test
	void aBatchOfMoreThan100IdsIs400() {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 101; i++) {
			ids.add("00000000-0000-4000-8000-%012d".formatted(i));
		}

		Response response = api.get("/products?ids=" + String.join(",", ids));

		assertThat(response.status()).isEqualTo(400);
		assertThat(response.json().get("errors").get(0).get("parameter").asString()).isEqualTo("ids");
		assertThat(response.json().get("detail").asString()).contains("101");
	}

	@Test
	void redisDownServesTheBatchFromTheDatabase() {
		List<String> ids = products(3);
		redis.stop();
		try {
			JsonNode items = api.get("/products?ids=" + String.join(",", ids)).json().get("items");

			assertThat(items).hasSize(3);
		}
		finally {
			redis.start();
		}
	}

	private List<String> products(int count) {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			ids.add(api.create("Batch " + i, "1.00", i));
		}
		return ids;
	}

}
