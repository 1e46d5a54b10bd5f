package dev.productapi.product;

import java.sql.ResultSet;
import java.sql.SQLException;
import java.sql.Timestamp;
import java.time.ZoneOffset;
import java.util.ArrayList;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

import dev.productapi.database.DatabaseThreads;

/**
 * Products in the database. Every statement here is portable between SQLite and
 * PostgreSQL; the schema differences live in the Flyway migrations. The reads that
 * requests make outside a transaction run on {@link DatabaseThreads}.
 */
@Repository
public class ProductRepository {

	private static final String COLUMNS = "id, name, description, price_cents, stock_quantity, version";

	private final JdbcClient jdbc;

	private final DatabaseThreads threads;

	public ProductRepository(JdbcClient jdbc, DatabaseThreads threads) {
		this.jdbc = jdbc;
		this.threads = threads;
	}

	public Optional<Product> findById(UUID id) {
		return this.threads.read(() -> this.jdbc.sql("SELECT " + COLUMNS + " FROM products WHERE id = ?")
			.param(id)
			.query(ProductRepository::map)
			.optional());
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

	/**
	 * A page of products in creation order, then by id, after the given position (or from
	 * the start): one keyset query on the (created_at, id) index, with no OFFSET and no
	 * count, so a page costs the same on the first page as on the millionth product. One
	 * row more than the limit is asked for, to tell whether there is a next page.
	 */
	public ProductPage list(ProductFilter filter, ListPosition after, int limit) {
		List<String> conditions = new ArrayList<>();
		Map<String, Object> parameters = new LinkedHashMap<>();
		if (after != null) {
			conditions.add("(created_at, id) > (:created_at, :id)");
			parameters.put("created_at", after.createdAt());
			parameters.put("id", after.id());
		}
		if (filter.minPrice() != null) {
			conditions.add("price_cents >= :min_price");
			parameters.put("min_price", Money.toCents(filter.minPrice()));
		}
		if (filter.maxPrice() != null) {
			conditions.add("price_cents <= :max_price");
			parameters.put("max_price", Money.toCents(filter.maxPrice()));
		}
		if (filter.inStock() != null) {
			conditions.add(filter.inStock() ? "stock_quantity > 0" : "stock_quantity = 0");
		}
		if (filter.nameContains() != null) {
			conditions.add("lower(name) LIKE lower(:name) ESCAPE '\\'");
			parameters.put("name", "%" + filter.nameContains().replaceAll("([\\\\%_])", "\\\\$1") + "%");
		}
		String where = conditions.isEmpty() ? "" : " WHERE " + String.join(" AND ", conditions);
		parameters.put("limit", limit + 1);
		List<Listed> rows = this.threads.read(() -> this.jdbc
			.sql("SELECT " + COLUMNS + ", created_at FROM products" + where + " ORDER BY created_at, id LIMIT :limit")
			.params(parameters)
			.query((row, n) -> new Listed(map(row, n), position(row)))
			.list());
		if (rows.size() <= limit) {
			return new ProductPage(rows.stream().map(Listed::product).toList(), null);
		}
		List<Listed> page = rows.subList(0, limit);
		return new ProductPage(page.stream().map(Listed::product).toList(), page.getLast().position());
	}

	/** The products with these ids that exist, in one query. */
	public List<Product> findAll(Collection<UUID> ids) {
		if (ids.isEmpty()) {
			return List.of();
		}
		return this.threads.read(() -> this.jdbc.sql("SELECT " + COLUMNS + " FROM products WHERE id IN (:ids)")
			.param("ids", ids)
			.query(ProductRepository::map)
			.list());
	}

	private static ListPosition position(ResultSet row) throws SQLException {
		Object created = row.getObject("created_at");
		Object createdAt = (created instanceof Timestamp timestamp) ? timestamp.toInstant().atOffset(ZoneOffset.UTC)
				: row.getString("created_at");
		return new ListPosition(createdAt, UUID.fromString(row.getString("id")));
	}

	private record Listed(Product product, ListPosition position) {
	}

	public long count() {
		return this.jdbc.sql("SELECT COUNT(*) FROM products").query(Long.class).single();
	}

	private static Product map(ResultSet row, int rowNumber) throws SQLException {
		return new Product(UUID.fromString(row.getString("id")), row.getString("name"), row.getString("description"),
				Money.fromCents(row.getLong("price_cents")), row.getInt("stock_quantity"), row.getLong("version"));
	}

}
