package dev.productapi.cache;

/**
 * How the cache served one read; sent to clients as the {@code X-Cache} header, and
 * counted in {@code product_cache_requests_total} under the same names (plus
 * {@code error}, a bypass caused by a failed Redis call rather than a skipped one).
 */
public enum CacheStatus {

	/** Served from Redis, or from the near cache in front of it. */
	HIT,

	/** Not in Redis: read from the database and stored. */
	MISS,

	/**
	 * Read from the database without touching the cache: Redis was unavailable, an
	 * invalidation of this product is still pending, or a concurrent write made the
	 * loaded value unsafe to cache.
	 */
	BYPASS

}
