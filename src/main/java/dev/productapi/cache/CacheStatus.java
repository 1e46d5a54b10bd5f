package dev.productapi.cache;

/** What the cache did for one read; sent to clients as the {@code X-Cache} header. */
public enum CacheStatus {

	/** Served from Redis. */
	HIT,

	/** Not in Redis: read from the database and stored. */
	MISS,

	/**
	 * Read from the database without touching the cache: Redis was unavailable, an
	 * invalidation of this product is still pending, or a concurrent write made the loaded
	 * value unsafe to cache.
	 */
	BYPASS

}
