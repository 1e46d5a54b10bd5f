package dev.productapi.idempotency;

import java.nio.charset.StandardCharsets;
import java.sql.ResultSet;
import java.sql.SQLException;
import java.util.Optional;
import java.util.UUID;
import java.util.function.IntSupplier;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;
import org.springframework.transaction.support.TransactionTemplate;

/**
 * Idempotency keys in the database, shared by every instance. Each statement is one
 * atomic step of a key's life, portable between SQLite and PostgreSQL:
 * <ul>
 * <li>{@link #claim}: absent, expired or abandoned → in flight, under a new claim
 * token;</li>
 * <li>{@link #complete}: in flight under this token → completed, with the response;</li>
 * <li>{@link #release}: in flight under this token → absent;</li>
 * <li>{@link #deleteExpired}: expired → absent.</li>
 * </ul>
 * The statements that may run outside a create's transaction run in one of their own: on
 * SQLite, a transaction is how a write waits for its turn to write in Java rather than in
 * SQLite's busy handler, which holds a carrier thread while it waits.
 */
@Repository
class IdempotencyKeys {

	private final JdbcClient jdbc;

	private final TransactionTemplate transactions;

	IdempotencyKeys(JdbcClient jdbc, TransactionTemplate transactions) {
		this.jdbc = jdbc;
		this.transactions = transactions;
	}

	/**
	 * Claims the key for the request holding {@code token}, unless another request holds
	 * it: inserts it, or takes it over if it expired or was left in flight since before
	 * {@code abandonedBefore}. One statement, so two requests never both win. Returns
	 * whether this request holds the key now.
	 */
	boolean claim(String key, String fingerprint, UUID token, long now, long expiresAt, long abandonedBefore) {
		return inTransaction(() -> this.jdbc.sql("""
				INSERT INTO idempotency_keys
				    (idempotency_key, fingerprint, state, claim_token, created_at_ms, expires_at_ms)
				VALUES (:key, :fingerprint, 'in_flight', :token, :now, :expiresAt)
				ON CONFLICT (idempotency_key) DO UPDATE SET fingerprint = excluded.fingerprint,
				    state = excluded.state, claim_token = excluded.claim_token,
				    created_at_ms = excluded.created_at_ms, expires_at_ms = excluded.expires_at_ms,
				    product_id = NULL, product_version = NULL, response_body = NULL
				WHERE idempotency_keys.expires_at_ms <= :now
				    OR (idempotency_keys.state = 'in_flight' AND idempotency_keys.created_at_ms <= :abandonedBefore)
				""")
			.param("key", key)
			.param("fingerprint", fingerprint)
			.param("token", token)
			.param("now", now)
			.param("expiresAt", expiresAt)
			.param("abandonedBefore", abandonedBefore)
			.update()) == 1;
	}

	Optional<StoredKey> find(String key) {
		return this.jdbc.sql("""
				SELECT fingerprint, state, created_at_ms, expires_at_ms, product_id, product_version, response_body
				FROM idempotency_keys WHERE idempotency_key = ?""").param(key).query(IdempotencyKeys::map).optional();
	}

	/**
	 * Stores the response of the request holding {@code token}; call in the transaction
	 * that creates the product. Returns false, and changes nothing, if the request no
	 * longer holds the key.
	 */
	boolean complete(String key, UUID token, UUID productId, long productVersion, byte[] responseBody) {
		return this.jdbc.sql("""
				UPDATE idempotency_keys SET state = 'completed', product_id = :productId,
				    product_version = :version, response_body = :body
				WHERE idempotency_key = :key AND claim_token = :token AND state = 'in_flight'""")
			.param("productId", productId)
			.param("version", productVersion)
			.param("body", new String(responseBody, StandardCharsets.UTF_8))
			.param("key", key)
			.param("token", token)
			.update() == 1;
	}

	/**
	 * Gives the key up, if the request holding {@code token} still holds it unfinished.
	 */
	boolean release(String key, UUID token) {
		return inTransaction(() -> this.jdbc
			.sql("DELETE FROM idempotency_keys WHERE idempotency_key = ? AND claim_token = ? AND state = 'in_flight'")
			.params(key, token)
			.update()) == 1;
	}

	/**
	 * Deletes up to {@code limit} keys that expired by {@code now}; returns how many. The
	 * outer condition is checked again on each row, so a key taken over meanwhile stays.
	 */
	int deleteExpired(long now, int limit) {
		return inTransaction(() -> this.jdbc.sql("""
				DELETE FROM idempotency_keys WHERE expires_at_ms <= :now AND idempotency_key IN
				    (SELECT idempotency_key FROM idempotency_keys WHERE expires_at_ms <= :now
				     ORDER BY expires_at_ms LIMIT :limit)""").param("now", now).param("limit", limit).update());
	}

	private int inTransaction(IntSupplier statement) {
		return this.transactions.execute((status) -> statement.getAsInt());
	}

	private static StoredKey map(ResultSet row, int rowNumber) throws SQLException {
		String productId = row.getString("product_id");
		String body = row.getString("response_body");
		return new StoredKey(row.getString("fingerprint"), "completed".equals(row.getString("state")),
				row.getLong("created_at_ms"), row.getLong("expires_at_ms"),
				(productId != null) ? UUID.fromString(productId) : null, row.getLong("product_version"),
				(body != null) ? body.getBytes(StandardCharsets.UTF_8) : null);
	}

	/** A key as stored; the product's id, version and body only once completed. */
	record StoredKey(String fingerprint, boolean completed, long createdAt, long expiresAt, UUID productId,
			long productVersion, byte[] responseBody) {

		/**
		 * Whether the key still counts at {@code now}: not expired, and not an abandoned
		 * claim that the next request may take over.
		 */
		boolean isLive(long now, long abandonedBefore) {
			return this.expiresAt > now && (this.completed || this.createdAt > abandonedBefore);
		}

	}

}
