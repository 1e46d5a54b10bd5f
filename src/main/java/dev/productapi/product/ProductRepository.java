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

	private static final String COLUMNS = "id, name, description, price_cents, stock_quantity";

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
		return this.jdbc.sql("INSERT INTO products (" + COLUMNS + ") VALUES (?, ?, ?, ?, ?)" + onConflict)
			.params(product.id(), product.name(), product.description(), Money.toCents(product.price()),
					product.stockQuantity())
			.update();
	}

	/**
	 * Applies the changes in a single statement, so concurrent partial updates of
	 * different fields never overwrite each other with values read earlier.
	 */
	public Optional<Product> update(UUID id, ProductChanges changes) {
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
		sets.add("updated_at = CURRENT_TIMESTAMP");
		return this.jdbc.sql("UPDATE products SET " + String.join(", ", sets) + " WHERE id = :id RETURNING " + COLUMNS)
			.params(assignments)
			.param("id", id)
			.query(ProductRepository::map)
			.optional();
	}

	public boolean delete(UUID id) {
		return this.jdbc.sql("DELETE FROM products WHERE id = ?").param(id).update() == 1;
	}

	public long count() {
		return this.jdbc.sql("SELECT COUNT(*) FROM products").query(Long.class).single();
	}

	private static Product map(ResultSet row, int rowNumber) throws SQLException {
		return new Product(UUID.fromString(row.getString("id")), row.getString("name"), row.getString("description"),
				Money.fromCents(row.getLong("price_cents")), row.getInt("stock_quantity"));
	}

}
