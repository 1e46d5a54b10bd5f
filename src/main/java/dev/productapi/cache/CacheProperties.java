package dev.productapi.cache;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * The cache's settings. Those that operators set come from environment variables, whose
 * defaults live in {@code EnvironmentSettings}; the rest are fixed behaviour, with their
 * defaults here.
 *
 * @param ttl how long a cached product lives; the final bound on staleness should an
 * invalidation ever be lost (from {@code CACHE_TTL_SECONDS})
 * @param ttlJitterPercent each entry's TTL is shortened by a random amount up to this
 * share, so entries written together do not expire together (from
 * {@code CACHE_TTL_JITTER_PERCENT})
 * @param negativeTtl how long "no such product" is cached (from
 * {@code CACHE_NEGATIVE_TTL_SECONDS})
 * @param leaseTtl how long a reader may hold the lease to fill a key before it lapses;
 * only matters if the reader dies mid-fill
 * @param leaseWait how long a reader that finds another's lease waits for the value
 * before reading the database itself
 * @param staleSetProtection whether fills are conditional on the lease; off only to
 * demonstrate, in tests, the race it prevents
 * @param joinerTrustCheck whether a reader that joins another's load checks that the load
 * is current enough for it; off only to demonstrate, in tests, the stale reads it
 * prevents
 * @param retryInterval while Redis is failing, how often one request probes it again;
 * also how often the near cache tries to restore tracking
 * @param outboxPollInterval how often pending invalidations are retried and other
 * instances' pending invalidations are picked up
 * @param near the optional in-process tier in front of Redis
 */
@ConfigurationProperties("product-api.cache")
public record CacheProperties(Duration ttl, int ttlJitterPercent, Duration negativeTtl,
		@DefaultValue("2s") Duration leaseTtl, @DefaultValue("250ms") Duration leaseWait,
		@DefaultValue("true") boolean staleSetProtection, @DefaultValue("true") boolean joinerTrustCheck,
		@DefaultValue("1s") Duration retryInterval, @DefaultValue("500ms") Duration outboxPollInterval, Near near) {

	/**
	 * @param enabled off by default, so every read is visible in
	 * {@code redis-cli monitor} (from {@code CACHE_NEAR_ENABLED})
	 * @param maxEntries products kept in memory per instance (from
	 * {@code CACHE_NEAR_MAX_ENTRIES})
	 */
	public record Near(boolean enabled, int maxEntries) {
	}

}
