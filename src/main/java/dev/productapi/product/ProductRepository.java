package dev.productapi.product;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Products in the database. Every statement here is portable between SQLite and
 * PostgreSQL; the schema differences live in the Flyway migrations.
 */
@Repository
public class ProductRepository {

	private static final String COLUMNS = "id, name, description, price_cents, stock_quantity, version";

	private final JdbcClient jdbc;

	public ProductRepository(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	public Optional<Product> findById(UUID id) {
		return this.jdbc.sql("SELECT " + COLUMNS + " FROM products WHERE id = ?")
			.param(id)
			.query(ProductRepository::map)
			.optional();
	}

	public void insert(Product product) {
		insert(product, "");
	}

	/** Inserts unless a product with the same id exists; returns whether it inserted. */
	public boolean insertIfAbsent(Product product) {
		return insert(product, " ON CONFLICT (id) DO NOTHING") == 1;
	}

	private int insert(Product product, String onConflict) {
		return this.jdbc.sql("INSERT INTO products (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?, ?)" + onConflict)
			.params(product.id(), product.name(), product.description(), Money.toCents(product.price()),
					product.stockQuantity(), product.version())
			.update();
	}

	/**
	 * Applies the changes in a single statement, so concurrent partial updates of
	 * different fields never overwrite each other with values read earlier, and adds one
	 * to the version. Finds nothing if there is no such product, or if its version is not
	 * one of those expected.
	 */
	public Optional<Product> update(UUID id, ProductChanges changes, ExpectedVersions expected) {
		Map<String, Object> assignments = new LinkedHashMap<>();
		if (changes.name() != null) {
			assignments.put("name", changes.name());
		}
		if (changes.descriptionChanged()) {
			assignments.put("description", changes.description());
		}
		if (changes.price() != null) {
			assignments.put("price_cents", Money.toCents(changes.price()));
		}
		if (changes.stockQuantity() != null) {
			assignments.put("stock_quantity", changes.stockQuantity());
		}
		List<String> sets = new ArrayList<>();
		assignments.keySet().forEach((column) -> sets.add(column + " = :" + column));
		sets.add("version = version + 1");
		sets.add("updated_at = CURRENT_TIMESTAMP");
		return this.jdbc
			.sql("UPDATE products SET " + String.join(", ", sets) + " WHERE id = :id" + versionCondition(expected)
					+ " RETURNING " + COLUMNS)
			.params(assignments)
			.param("id", id)
			.params(versionParameters(expected))
			.query(ProductRepository::map)
			.optional();
	}

	/**
	 * Deletes the product if its version is one of those expected; returns whether it
	 * did.
	 */
	public boolean delete(UUID id, ExpectedVersions expected) {
		return this.jdbc.sql("DELETE FROM products WHERE id = :id" + versionCondition(expected))
			.param("id", id)
			.params(versionParameters(expected))
			.update() == 1;
	}

	public boolean exists(UUID id) {
		return this.jdbc.sql("SELECT COUNT(*) FROM products WHERE id = ?").param(id).query(Long.class).single() > 0;
	}

	private static String versionCondition(ExpectedVersions expected) {
		if (expected.isAny()) {
			return "";
		}
		return expected.versions().isEmpty() ? " AND 1 = 0" : " AND version IN (:versions)";
	}

	private static Map<String, Object> versionParameters(ExpectedVersions expected) {
		return (expected.isAny() || expected.versions().isEmpty()) ? Map.of() : Map.of("versions", expected.versions());
	}

	public long count() {
		return this.jdbc.sql("SELECT COUNT(*) FROM products").query(Long.class).single();
	}

	private static Product map(ResultSet row, int rowNumber) throws SQLException {
		return new Product(UUID.fromString(row.getString("id")), row.getString("name"), row.getString("description"),
				Money.fromCents(row.getLong("price_cents")), row.getInt("stock_quantity"), row.getLong("version"));
	}

}
