package dev.productapi.api;

import java.io.ByteArrayInputStream;
import java.net.http.HttpRequest.BodyPublishers;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.JsonNode;

import dev.productapi.support.Api;
import dev.productapi.support.Api.Response;
import dev.productapi.support.ApiUnderTest;

import static org.assertj.core.api.Assertions.assertThat;

/** The HTTP contract, status code by status code, against a running API. */
class ProductApiIT {

	@RegisterExtension
	static final ApiUnderTest app = ApiUnderTest.withSettings();

	private final Api api = app.api();

	@Test
	void healthIsOk() {
		Response response = api.get("/health");

		assertThat(response.status()).isEqualTo(200);
		assertThat(response.json().get("status").asString()).isEqualTo("ok");
	}

	@Test
	void createReturnsTheProductWithAServerGeneratedId() {
		Response response = api.post("/products", """
				{"name": "Desk Lamp", "description": "LED, dimmable", "price": 29.99, "stock_quantity": 7}""");

		assertThat(response.status()).isEqualTo(201);
		JsonNode product = response.json();
		assertThat(product.get("id").asString())
			.matches("[0-9a-f]{8}-[0-9a-f]{4}-4[0-9a-f]{3}-[0-9a-f]{4}-[0-9a-f]{12}");
		assertThat(product.get("name").asString()).isEqualTo("Desk Lamp");
		assertThat(product.get("description").asString()).isEqualTo("LED, dimmable");
		assertThat(product.get("stock_quantity").asInt()).isEqualTo(7);
		assertThat(response.body()).contains("\"price\":29.99");
	}

	@Test
	void createIgnoresAClientSuppliedId() {
		Response response = api.post("/products", """
				{"id": "00000000-0000-4000-8000-0000000000ff", "name": "Pen", "price": 1, "stock_quantity": 1}""");

		assertThat(response.status()).isEqualTo(201);
		assertThat(response.json().get("id").asString()).isNotEqualTo("00000000-0000-4000-8000-0000000000ff");
	}

	@Test
	void getReturnsWhatWasCreated() {
		String id = api.create("Notebook", "4.50", 12);

		Response response = api.get("/products/" + id);

		assertThat(response.status()).isEqualTo(200);
		assertThat(response.contentType()).startsWith("application/json");
		assertThat(response.json().get("name").asString()).isEqualTo("Notebook");
		assertThat(response.body()).contains("\"price\":4.50");
	}

	@Test
	void priceIsExactThroughDatabaseAndCache() {
		String id = api.create("Exact", "0.10", 1);
		api.put("/products/" + id, "{\"price\": 12345678.91}");

		Response miss = api.get("/products/" + id);
		Response hit = api.get("/products/" + id);

		assertThat(miss.body()).contains("\"price\":12345678.91");
		assertThat(hit.cache()).isEqualTo("HIT");
		assertThat(hit.body()).isEqualTo(miss.body());
	}

	@Test
	void getOfAnUnknownIdIs404() {
		Response response = api.get("/products/6f1c7a52-30a4-4bd4-8f0e-2a8b7e2f0c11");

		assertThat(response.status()).isEqualTo(404);
		assertThat(response.contentType()).isEqualTo("application/problem+json");
	}

	@ParameterizedTest
	@ValueSource(strings = { "not-a-uuid", "123", "6f1c7a52-30a4-4bd4-8f0e", "%20",
			"6f1c7a52-30a4-4bd4-8f0e-2a8b7e2f0c11x" })
	void aMalformedIdIs404AndNeverAServerError(String id) {
		assertThat(api.get("/products/" + id).status()).isEqualTo(404);
		assertThat(api.put("/products/" + id, "{\"name\":\"x\"}").status()).isEqualTo(404);
		assertThat(api.delete("/products/" + id).status()).isEqualTo(404);
	}

	@Test
	void putChangesOnlyTheFieldsSent() {
		String id = api.create("Mug", "8.00", 40);

		Response response = api.put("/products/" + id, "{\"price\": 9.25, \"stock_quantity\": 39}");

		assertThat(response.status()).isEqualTo(200);
		JsonNode product = api.get("/products/" + id).json();
		assertThat(product.get("name").asString()).isEqualTo("Mug");
		assertThat(product.get("price").decimalValue()).isEqualByComparingTo("9.25");
		assertThat(product.get("stock_quantity").asInt()).isEqualTo(39);
		assertThat(response.json()).isEqualTo(product);
	}

	@Test
	void putWithAnExplicitNullDescriptionClearsIt() {
		String id = api
			.post("/products", "{\"name\":\"Cup\",\"description\":\"blue\",\"price\":3,\"stock_quantity\":1}")
			.json()
			.get("id")
			.asString();

		api.put("/products/" + id, "{\"description\": null}");

		assertThat(api.get("/products/" + id).json().get("description").isNull()).isTrue();
	}

	@Test
	void putOfAnUnknownIdIs404() {
		assertThat(api.put("/products/6f1c7a52-30a4-4bd4-8f0e-2a8b7e2f0c11", "{\"name\":\"x\"}").status())
			.isEqualTo(404);
	}

	@Test
	void anEmptyPutIs400() {
		String id = api.create("Plate", "2.00", 3);

		Response response = api.put("/products/" + id, "{}");

		assertThat(response.status()).isEqualTo(400);
		assertThat(response.contentType()).isEqualTo("application/problem+json");
	}

	@Test
	void deleteIs204ThenTheProductIsGone() {
		String id = api.create("Bowl", "5.00", 2);

		Response response = api.delete("/products/" + id);

		assertThat(response.status()).isEqualTo(204);
		assertThat(response.body()).isEmpty();
		assertThat(api.get("/products/" + id).status()).isEqualTo(404);
		assertThat(api.delete("/products/" + id).status()).isEqualTo(404);
	}

	@ParameterizedTest(name = "{0} -> 400 naming {1}")
	@CsvSource(delimiter = '|', textBlock = """
			{"price": 100}                                                  | name
			{"name": "A", "stock_quantity": 1}                              | price
			{"name": "A", "price": 1}                                       | stock_quantity
			{"name": null, "price": 1, "stock_quantity": 1}                 | name
			{"name": "   ", "price": 1, "stock_quantity": 1}                | name
			{"name": "A", "price": null, "stock_quantity": 1}               | price
			{"name": "A", "price": -0.01, "stock_quantity": 1}              | price
			{"name": "A", "price": 1.001, "stock_quantity": 1}              | price
			{"name": "A", "price": "1.00", "stock_quantity": 1}             | price
			{"name": "A", "price": 1, "stock_quantity": -5}                 | stock_quantity
			{"name": "A", "price": 1, "stock_quantity": 1.5}                | stock_quantity
			{"name": "A", "price": 1, "stock_quantity": "3"}                | stock_quantity
			{"name": "A", "price": 1, "stock_quantity": 99999999999}        | stock_quantity
			{"name": "A", "price": 1, "stock_quantity": true}               | stock_quantity
			{"name": 42, "price": 1, "stock_quantity": 1}                   | name
			{"name": "A", "price": 1, "stock_quantity": 1, "colour": "red"} | colour
			""")
	void invalidCreateIs400NamingTheField(String body, String field) {
		assertNamesInvalidField(api.post("/products", body), field);
	}

	@ParameterizedTest(name = "{0} -> 400 naming {1}")
	@CsvSource(delimiter = '|', textBlock = """
			{"name": null}                | name
			{"name": ""}                  | name
			{"price": null}               | price
			{"price": -1}                 | price
			{"stock_quantity": null}      | stock_quantity
			{"stock_quantity": -5}        | stock_quantity
			{"stock_quantity": 2.5}       | stock_quantity
			{"price": "cheap"}            | price
			{"price": 1, "sku": "X-1"}    | sku
			""")
	void invalidUpdateIs400NamingTheFieldAndChangesNothing(String body, String field) {
		String id = api.create("Unchanged", "1.00", 1);
		String before = api.get("/products/" + id).body();

		assertNamesInvalidField(api.put("/products/" + id, body), field);
		assertThat(api.get("/products/" + id).body()).isEqualTo(before);
	}

	@Test
	void everyBadFieldIsNamedAtOnce() {
		Response response = api.post("/products", "{\"name\": \"\", \"price\": -1, \"stock_quantity\": -1}");

		assertThat(response.status()).isEqualTo(400);
		assertThat(response.json().get("errors").findValuesAsString("field")).containsExactlyInAnyOrder("name", "price",
				"stock_quantity");
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"name\": \"A\", ", "[{\"name\": \"A\", \"price\": 1, \"stock_quantity\": 1}]",
			"\"text\"", "", "null", "{\"name\": \"A\", \"price\": 1, \"stock_quantity\": 1} trailing" })
	void aBodyThatIsNotOneJsonObjectIs400(String body) {
		Response response = api.post("/products", body);

		assertThat(response.status()).isEqualTo(400);
		assertThat(response.contentType()).isEqualTo("application/problem+json");
		assertThat(response.json().get("detail").asString()).isNotBlank();
	}

	@Test
	void anUnsupportedContentTypeIs415() {
		Response response = api.send("POST", "/products", "text/plain", BodyPublishers.ofString("name=A"));

		assertThat(response.status()).isEqualTo(415);
		assertThat(response.contentType()).isEqualTo("application/problem+json");
	}

	@Test
	void anOversizedBodyIs413WhetherItsLengthIsDeclaredOrNot() {
		String huge = "{\"name\": \"" + "a".repeat(100_000) + "\", \"price\": 1, \"stock_quantity\": 1}";

		Response declared = api.post("/products", huge);
		Response chunked = api.send("POST", "/products", "application/json",
				BodyPublishers.ofInputStream(() -> new ByteArrayInputStream(huge.getBytes())));

		assertThat(declared.status()).isEqualTo(413);
		assertThat(chunked.status()).isEqualTo(413);
		assertThat(chunked.contentType()).isEqualTo("application/problem+json");
	}

	@Test
	void errorsNeverLeakInternals() {
		Response[] responses = { api.post("/products", "{\"name\": 1, \"price\": {}, \"stock_quantity\": []}"),
				api.post("/products", "{\"price\": \"x\"}"), api.get("/products/%20"), api.put("/products/x", "{") };

		for (Response response : responses) {
			assertThat(response.status()).isBetween(400, 499);
			assertThat(response.body()).doesNotContain("Exception", "java.", "tools.jackson", "\tat ");
		}
	}

	@Test
	void swaggerUiIsServedAtDocs() {
		Response docs = api.get("/docs");
		Response openApi = api.get("/openapi.json");

		assertThat(docs.status()).isEqualTo(200);
		assertThat(docs.body()).containsIgnoringCase("swagger");
		assertThat(openApi.status()).isEqualTo(200);
		assertThat(openApi.json().get("paths").has("/products/{id}")).isTrue();
		assertThat(openApi.json().at("/paths/~1products~1{id}/put/responses/503/description").asString())
			.contains("Retry-After");
		assertThat(openApi.json().at("/paths/~1products/get/parameters").findValuesAsString("name"))
			.containsExactlyInAnyOrder("ids", "limit", "cursor", "min_price", "max_price", "in_stock", "q");
	}

	@Test
	void metricsAreExposedForPrometheus() {
		api.get("/products/00000000-0000-4000-8000-000000000001");

		Response metrics = api.get("/actuator/prometheus");

		assertThat(metrics.status()).isEqualTo(200);
		assertThat(metrics.body()).contains("product_cache_requests_total{result=\"hit\"}",
				"product_cache_requests_total{result=\"miss\"}", "product_db_reads_total");
	}

	private static void assertNamesInvalidField(Response response, String field) {
		assertThat(response.status()).as(response.body()).isEqualTo(400);
		assertThat(response.contentType()).isEqualTo("application/problem+json");
		assertThat(response.json().get("errors").findValuesAsString("field")).contains(field);
	}

}
