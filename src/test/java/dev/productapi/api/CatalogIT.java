package dev.productapi.api;

import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;

import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.EnumSource;
import tools.jackson.databind.JsonNode;

import dev.productapi.product.ProductRepository;
import dev.productapi.support.Api;
import dev.productapi.support.Api.Response;
import dev.productapi.support.ApiUnderTest;
import dev.productapi.support.Databases;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code GET /products}: pages of the catalog with keyset cursors and filters, on both
 * databases.
 */
class CatalogIT {

	@RegisterExtension
	static final ApiUnderTest onSqlite = ApiUnderTest.withSettings().on(Databases.SQLITE);

	@RegisterExtension
	static final ApiUnderTest onPostgresql = ApiUnderTest.withSettings().on(Databases.POSTGRESQL);

	private static final List<String> created = new ArrayList<>();

	@BeforeAll
	static void products() {
		for (ApiUnderTest app : List.of(onSqlite, onPostgresql)) {
			Api api = app.api();
			for (int i = 0; i < 25; i++) {
				api.post("/products", "{\"name\":\"Item %02d%s\",\"price\":%d.50,\"stock_quantity\":%d}".formatted(i,
						(i % 5 == 0) ? " Lamp" : "", i, i % 3));
			}
		}
	}

	private static ApiUnderTest app(Databases database) {
		return switch (database) {
			case SQLITE -> onSqlite;
			case POSTGRESQL -> onPostgresql;
		};
	}

	private static Api api(Databases database) {
		return app(database).api();
	}

	@ParameterizedTest
	@EnumSource(Databases.class)
	void pagesWalkTheWholeCatalogOnceInCreationOrder(Databases database) {
		Api api = api(database);
		List<String> names = new ArrayList<>();
		Set<String> ids = new HashSet<>();
		String path = "/products?limit=7";
		int pages = 0;
		while (path != null) {
			Response page = api.get(path);
			assertThat(page.status()).isEqualTo(200);
			JsonNode body = page.json();
			body.get("items").forEach((item) -> {
				names.add(item.get("name").asString());
				assertThat(ids.add(item.get("id").asString())).as("each product once").isTrue();
			});
			String next = body.get("next_cursor").isNull() ? null : body.get("next_cursor").asString();
			String link = page.header("Link");
			if (next == null) {
				assertThat(link).isNull();
				path = null;
			}
			else {
				assertThat(link).startsWith("</products?limit=7&cursor=").endsWith(">; rel=\"next\"");
				path = link.substring(1, link.indexOf('>'));
			}
			pages++;
		}

		long products = app(database).app().bean(ProductRepository.class).count();
		assertThat(ids).hasSize((int) products);
		assertThat(pages).isEqualTo((int) (products + 6) / 7);
		// The three seeded samples come first, then the 25 in the order they were
		// created.
		assertThat(names.subList(3, 28)).isEqualTo(names.subList(3, 28).stream().sorted().toList());
	}

	@ParameterizedTest
	@EnumSource(Databases.class)
	void theDefaultPageIs20(Databases database) {
		JsonNode page = api(database).get("/products").json();

		assertThat(page.get("items")).hasSize(20);
		assertThat(page.get("items").get(0).has("version")).isTrue();
	}

	@ParameterizedTest
	@EnumSource(Databases.class)
	void filtersCombineAndFollowTheCursor(Databases database) {
		Api api = api(database);
		List<JsonNode> items = new ArrayList<>();
		String path = "/products?limit=2&min_price=5&max_price=20.50&in_stock=true&q=LAMP";
		while (path != null) {
			Response page = api.get(path);
			page.json().get("items").forEach(items::add);
			String link = page.header("Link");
			path = (link != null) ? link.substring(1, link.indexOf('>')) : null;
		}

		assertThat(items).extracting((item) -> item.get("name").asString())
			.containsExactly("Item 05 Lamp", "Item 10 Lamp", "Item 20 Lamp");
		assertThat(items).allSatisfy((item) -> assertThat(item.get("stock_quantity").asInt()).isPositive());
	}

	@ParameterizedTest
	@EnumSource(Databases.class)
	void searchMatchesTextAsIsNotAsAPattern(Databases database) {
		Api api = api(database);
		api.post("/products", "{\"name\":\"100% cotton_shirt\",\"price\":1,\"stock_quantity\":1}");

		assertThat(api.get("/products?q=%25%20cotton_").json().get("items")).hasSize(1);
		assertThat(api.get("/products?q=0_%25").json().get("items")).isEmpty();
	}

	@ParameterizedTest
	@EnumSource(Databases.class)
	void outOfStockToo(Databases database) {
		JsonNode items = api(database).get("/products?in_stock=false&limit=100").json().get("items");

		assertThat(items).isNotEmpty().allSatisfy((item) -> assertThat(item.get("stock_quantity").asInt()).isZero());
	}

	@Test
	void aCursorIsRefusedWithOtherFilters() {
		Api api = onSqlite.api();
		String next = api.get("/products?limit=2&in_stock=true").json().get("next_cursor").asString();

		Response response = api.get("/products?limit=2&in_stock=false&cursor=" + next);

		assertThat(response.status()).isEqualTo(400);
		assertThat(parameterOf(response)).isEqualTo("cursor");
	}

	@Test
	void anAlteredCursorIsRefused() {
		Api api = onSqlite.api();
		String next = api.get("/products?limit=2").json().get("next_cursor").asString();
		// A character inside the signed part: the last one of either part may only carry
		// padding bits, which decoding ignores.
		char fifth = next.charAt(4);
		String altered = next.substring(0, 4) + ((fifth == 'A') ? 'B' : 'A') + next.substring(5);

		for (String cursor : List.of(altered, "x" + next, "abc", "a.b.c", "%2E")) {
			Response response = api.get("/products?limit=2&cursor=" + cursor);
			assertThat(response.status()).as(cursor).isEqualTo(400);
			assertThat(parameterOf(response)).isEqualTo("cursor");
		}
	}

	@Test
	void aCursorFromOneInstanceWorksOnAnother() {
		// Both instances of a deployment share the key that signs cursors through the
		// database.
		Api api = onPostgresql.api();
		String next = api.get("/products?limit=5").json().get("next_cursor").asString();

		assertThat(api.get("/products?limit=5&cursor=" + next).status()).isEqualTo(200);
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource(delimiter = '|',
			value = { "limit=0|limit", "limit=1000|limit", "limit=ten|limit", "min_price=-1|min_price",
					"max_price=abc|max_price", "min_price=1.005|min_price", "min_price=30&max_price=20|min_price",
					"in_stock=yes|in_stock", "q=|q", "cursor=|cursor", "limt=5|limt", "limit=5&limit=6|limit",
					"ids=abc|ids", "ids=6f1c7a52-30a4-4bd4-8f0e-2a8b7e2f0c11&limit=5|limit" })
	void aBadParameterIs400NamingIt(String query, String parameter) {
		Response response = onSqlite.api().get("/products?" + query);

		assertThat(response.status()).isEqualTo(400);
		assertThat(response.contentType()).isEqualTo("application/problem+json");
		assertThat(parameterOf(response)).isEqualTo(parameter);
	}

	private static String parameterOf(Response response) {
		return response.json().get("errors").get(0).get("parameter").asString();
	}

}
