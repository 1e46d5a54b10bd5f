package dev.productapi.cache;

import java.util.List;
import java.util.UUID;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Cache invalidations owed to Redis, kept in the database. A write records its entry in
 * its own transaction, so an invalidation exists exactly when the write committed, and
 * survives a Redis outage or a crash until someone has deleted the key.
 * <p>
 * Removals run in transactions of their own, although each is one statement: on SQLite, a
 * transaction is how a write waits for its turn to write in Java rather than in SQLite's
 * busy handler, which holds a carrier thread while it waits.
 */
@Repository
class InvalidationOutbox {

	private final JdbcClient jdbc;

	private final TransactionTemplate transactions;

	InvalidationOutbox(JdbcClient jdbc, TransactionTemplate transactions) {
		this.jdbc = jdbc;
		this.transactions = transactions;
	}

	/**
	 * Records an invalidation; call inside the write's transaction. Returns the entry's
	 * id.
	 */
	long record(UUID productId) {
		return this.jdbc.sql("INSERT INTO cache_invalidations (product_id) VALUES (?) RETURNING id")
			.param(productId)
			.query(Long.class)
			.single();
	}

	List<Entry> oldest(int limit) {
		return this.jdbc.sql("SELECT id, product_id FROM cache_invalidations ORDER BY id LIMIT ?")
			.param(limit)
			.query((row, n) -> new Entry(row.getLong("id"), UUID.fromString(row.getString("product_id"))))
			.list();
	}

	/** Removes these entries, in statements of at most 500 ids. */
	void remove(List<Long> entryIds) {
		for (int from = 0; from < entryIds.size(); from += 500) {
			List<Long> ids = entryIds.subList(from, Math.min(from + 500, entryIds.size()));
			this.transactions
				.executeWithoutResult((status) -> this.jdbc.sql("DELETE FROM cache_invalidations WHERE id IN (:ids)")
					.param("ids", ids)
					.update());
		}
	}

	/** Removes every entry of the product up to and including {@code upToId}. */
	void removeUpTo(UUID productId, long upToId) {
		this.transactions.executeWithoutResult(
				(status) -> this.jdbc.sql("DELETE FROM cache_invalidations WHERE product_id = ? AND id <= ?")
					.params(productId, upToId)
					.update());
	}

	long size() {
		return this.jdbc.sql("SELECT COUNT(*) FROM cache_invalidations").query(Long.class).single();
	}

	record Entry(long id, UUID productId) {
	}

}
