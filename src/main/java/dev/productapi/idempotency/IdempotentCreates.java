package dev.productapi.idempotency;

import java.time.Clock;
import java.util.UUID;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionSynchronizationManager;
import org.springframework.util.Assert;

import dev.productapi.idempotency.IdempotencyKeys.StoredKey;
import dev.productapi.product.Product;
import dev.productapi.product.ProductService;

/**
 * Creates with an {@code Idempotency-Key}: the first request with a key creates the
 * product, and every later one within the key's lifetime gets the same response back
 * instead of creating another.
 * <p>
 * The request first claims the key, committed on its own, so a duplicate arriving while
 * it works finds the claim (409). The product, its cache invalidation entry and the
 * stored response then commit in one transaction: there is never a product whose key has
 * no response, nor a response without its product. If the create fails, the claim is
 * released so that a retry may proceed.
 */
@Service
public class IdempotentCreates {

	private static final Logger logger = LoggerFactory.getLogger(IdempotentCreates.class);

	/**
	 * Claim attempts before giving up: another attempt is needed only when the key
	 * disappeared (released or purged) between a failed claim and the read after it.
	 */
	private static final int CLAIM_ATTEMPTS = 3;

	private final IdempotencyKeys keys;

	private final ProductService products;

	private final JsonMapper json;

	private final IdempotencyProperties properties;

	private final Clock clock;

	@Autowired
	IdempotentCreates(IdempotencyKeys keys, ProductService products, JsonMapper json,
			IdempotencyProperties properties) {
		this(keys, products, json, properties, Clock.systemUTC());
	}

	IdempotentCreates(IdempotencyKeys keys, ProductService products, JsonMapper json, IdempotencyProperties properties,
			Clock clock) {
		this.keys = keys;
		this.products = products;
		this.json = json;
		this.properties = properties;
		this.clock = clock;
	}

	/**
	 * Creates the product unless the key already created one; a replay returns the stored
	 * response.
	 * @throws IdempotencyKeyInFlightException if another request holds the key
	 * @throws IdempotencyKeyReusedException if the key was used for a different request
	 */
	public Outcome create(String key, Product product) {
		Assert.state(!TransactionSynchronizationManager.isActualTransactionActive(),
				"The claim of an idempotency key must commit on its own, before the create");
		String fingerprint = RequestFingerprint.of(product);
		UUID token = UUID.randomUUID();
		for (int attempt = 1;; attempt++) {
			long now = this.clock.millis();
			long abandonedBefore = now - this.properties.inFlightTimeout().toMillis();
			if (this.keys.claim(key, fingerprint, token, now, now + this.properties.keyTtl().toMillis(),
					abandonedBefore)) {
				return createClaimed(key, token, product);
			}
			StoredKey stored = this.keys.find(key).orElse(null);
			if (stored != null && stored.isLive(this.clock.millis(), abandonedBefore)) {
				if (!stored.fingerprint().equals(fingerprint)) {
					throw new IdempotencyKeyReusedException();
				}
				if (!stored.completed()) {
					throw new IdempotencyKeyInFlightException(
							"A request with this Idempotency-Key is still being processed");
				}
				return new Outcome(stored.productId(), stored.productVersion(), stored.responseBody(), true);
			}
			if (attempt == CLAIM_ATTEMPTS) {
				// The key keeps changing hands: let the client retry.
				throw new IdempotencyKeyInFlightException("Another request with this Idempotency-Key is starting");
			}
		}
	}

	private Outcome createClaimed(String key, UUID token, Product product) {
		try {
			byte[] body = this.json.writeValueAsBytes(product);
			Product created = this.products.create(product, (inserted) -> {
				if (!this.keys.complete(key, token, inserted.id(), inserted.version(), body)) {
					// Overtaken as abandoned: the request that took over the key creates
					// the product, so this one rolls back.
					throw new ClaimLostException();
				}
			});
			return new Outcome(created.id(), created.version(), body, false);
		}
		catch (ClaimLostException ex) {
			throw new IdempotencyKeyInFlightException(
					"This request took too long and another request with its Idempotency-Key took over");
		}
		catch (RuntimeException | Error ex) {
			release(key, token, ex);
			throw ex;
		}
	}

	/**
	 * Releases a claim after a failed create. Should that fail too, the claim is taken
	 * over once it counts as abandoned.
	 */
	private void release(String key, UUID token, Throwable failure) {
		try {
			this.keys.release(key, token);
		}
		catch (RuntimeException ex) {
			logger.warn("Could not release an idempotency key after a failed create; it is free again in {} s",
					this.properties.inFlightTimeout().toSeconds(), ex);
			failure.addSuppressed(ex);
		}
	}

	/**
	 * The response to send: that of this request, or, when {@code replayed}, the stored
	 * response of the request that created the product.
	 *
	 * @param productId the product's id, for the Location header
	 * @param version the product's version when it was created, for the ETag
	 * @param body the response body, byte for byte
	 * @param replayed whether this is the stored response of an earlier request
	 */
	public record Outcome(UUID productId, long version, byte[] body, boolean replayed) {
	}

	private static final class ClaimLostException extends RuntimeException {

		ClaimLostException() {
			super(null, null, false, false);
		}

	}

}
