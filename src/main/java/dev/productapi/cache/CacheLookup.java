package dev.productapi.cache;

/** The result of asking the cache for a product: the cached JSON on a hit, nothing otherwise. */
public record CacheLookup(CacheStatus status, byte[] json) {

	static final CacheLookup MISS = new CacheLookup(CacheStatus.MISS, null);

	static final CacheLookup BYPASS = new CacheLookup(CacheStatus.BYPASS, null);

	static CacheLookup hit(byte[] json) {
		return new CacheLookup(CacheStatus.HIT, json);
	}

}
