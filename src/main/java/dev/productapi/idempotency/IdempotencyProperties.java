package dev.productapi.idempotency;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How long idempotency keys live and how they are cleaned up. The key lifetime comes from
 * an environment variable, whose default lives in {@code EnvironmentSettings}; the rest
 * are fixed behaviour, with their defaults here.
 *
 * @param keyTtl how long after its first request a key answers with the first response;
 * after that it is as good as new (from {@code IDEMPOTENCY_KEY_TTL_SECONDS}, 24 h by
 * default)
 * @param inFlightTimeout how old an unfinished claim must be before another request may
 * take it over: the claim of an instance that crashed mid-create must not block its key
 * until it expires. A create takes milliseconds; its longest waits are 30 s for a pool
 * connection and, on SQLite, 10 s for the write lock, so a live request is practically
 * never overtaken. If one is, its completion fails and its product is rolled back, so the
 * key still creates one product.
 * @param purgeInterval how often expired keys are deleted
 * @param purgeBatchSize how many keys one purge statement deletes, so that the purge
 * never holds the database's write lock for long
 */
@ConfigurationProperties("product-api.idempotency")
public record IdempotencyProperties(Duration keyTtl, @DefaultValue("60s") Duration inFlightTimeout,
		@DefaultValue("1h") Duration purgeInterval, @DefaultValue("1000") int purgeBatchSize) {

}
