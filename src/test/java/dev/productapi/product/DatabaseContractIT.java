package dev.productapi.product;

import java.math.BigDecimal;
import java.util.UUID;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.productapi.support.ApiUnderTest;
import dev.productapi.support.Databases;
import dev.productapi.support.RunningApp;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The repository against each supported database, migrated by Flyway at start-up: the
 * same statements must behave the same on SQLite and PostgreSQL.
 */
class DatabaseContractIT {

	@RegisterExtension
	static final ApiUnderTest onSqlite = ApiUnderTest.withSettings().on(Databases.SQLITE);

	@RegisterExtension
	static final ApiUnderTest onPostgresql = ApiUnderTest.withSettings().on(Databases.POSTGRESQL);

	private static RunningApp app(Databases database) {
		return switch (database) {
			case SQLITE -> onSqlite.app();
			case POSTGRESQL -> onPostgresql.app();
		};
	}

	private static ProductRepository repository(Databases database) {
		return app(database).bean(ProductRepository.class);
	}

	@ParameterizedTest
	@EnumSource(Databases.class)
	void insertThenFindReturnsTheSameProduct(Databases database) {
		Product product = Product.create("Round trip", "with a description", new BigDecimal("29.99"), 7);

		repository(database).insert(product);

		assertThat(repository(database).findById(product.id())).contains(product);
	}

	@ParameterizedTest
	@EnumSource(Databases.class)
	void pricesAreExact(Databases database) {
		for (String price : new String[] { "0.00", "0.01", "0.10", "29.99", "12345678.91", "9999999999.99" }) {
			Product product = Product.create("Price " + price, null, new BigDecimal(price), 1);
			repository(database).insert(product);

			BigDecimal stored = repository(database).findById(product.id()).orElseThrow().price();

			assertThat(stored).isEqualTo(new BigDecimal(price));
			assertThat(stored.scale()).isEqualTo(2);
		}
	}

	@ParameterizedTest
	@EnumSource(Databases.class)
	void updateChangesOnlyTheGivenFieldsAndReturnsTheRow(Databases database) {
		Product product = Product.create("Before", "kept", new BigDecimal("1.00"), 1);
		repository(database).insert(product);

		Product updated = repository(database)
			.update(product.id(), new ProductChanges(null, false, null, new BigDecimal("2.50"), null),
					ExpectedVersions.ANY)
			.orElseThrow();

		assertThat(updated).isEqualTo(new Product(product.id(), "Before", "kept", new BigDecimal("2.50"), 1, 2));
		assertThat(repository(database).findById(product.id())).contains(updated);
	}

	@ParameterizedTest
	@EnumSource(Databases.class)
	void updateCanClearTheDescription(Databases database) {
		Product product = Product.create("Described", "to be cleared", new BigDecimal("1.00"), 1);
		repository(database).insert(product);

		repository(database).update(product.id(), new ProductChanges(null, true, null, null, null),
				ExpectedVersions.ANY);

		assertThat(repository(database).findById(product.id()).orElseThrow().description()).isNull();
	}

	@ParameterizedTest
	@EnumSource(Databases.class)
	void updateOfAnUnknownIdFindsNothing(Databases database) {
		assertThat(repository(database).update(UUID.randomUUID(), new ProductChanges("x", false, null, null, null),
				ExpectedVersions.ANY))
			.isEmpty();
	}

	@ParameterizedTest
	@EnumSource(Databases.class)
	void deleteReportsWhetherARowWentAway(Databases database) {
		Product product = Product.create("Doomed", null, BigDecimal.ONE, 1);
		repository(database).insert(product);

		assertThat(repository(database).delete(product.id(), ExpectedVersions.ANY)).isTrue();
		assertThat(repository(database).delete(product.id(), ExpectedVersions.ANY)).isFalse();
		assertThat(repository(database).findById(product.id())).isEmpty();
	}

	@ParameterizedTest
	@EnumSource(Databases.class)
	void insertIfAbsentSkipsAnExistingId(Databases database) {
		Product product = Product.create("Once", null, new BigDecimal("1.00"), 1);

		assertThat(repository(database).insertIfAbsent(product)).isTrue();
		assertThat(repository(database).insertIfAbsent(new Product(product.id(), "Twice", null, BigDecimal.TEN, 2, 1)))
			.isFalse();
		assertThat(repository(database).findById(product.id())).contains(product);
	}

	@ParameterizedTest
	@EnumSource(Databases.class)
	void theHttpApiWorksEndToEnd(Databases database) {
		var api = app(database).api();
		String id = api.create("Over HTTP", "19.99", 3);

		assertThat(api.put("/products/" + id, "{\"stock_quantity\": 4}").status()).isEqualTo(200);
		assertThat(api.get("/products/" + id).body()).contains("\"price\":19.99", "\"stock_quantity\":4");
		assertThat(api.delete("/products/" + id).status()).isEqualTo(204);
	}

}
