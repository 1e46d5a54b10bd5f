package dev.productapi.cache;

/** What the cache did for one read; sent to clients as the {@code X-Cache} header. */
public enum CacheStatus {

	/** Served from Redis. */
	HIT,

	/** Not in Redis: read from the database and stored. */
	MISS,

	/** Redis was unavailable or failed: read from the database, cache not touched. */
	BYPASS

}
