package dev.productapi.cache;

/**
 * What the first look at a product's cache entry found: a hit to serve as it is, or what
 * {@link ProductCache#read(java.util.UUID, CacheAttempt, java.util.function.Function)}
 * needs to finish the read (a miss, a lease, a cached "no such product", Redis skipped or
 * failing, an invalidation pending).
 */
public final class CacheAttempt {

	private final CacheLookup lookup;

	private final CachedRead hit;

	private CacheAttempt(CacheLookup lookup, CachedRead hit) {
		this.lookup = lookup;
		this.hit = hit;
	}

	static CacheAttempt hit(byte[] json) {
		return new CacheAttempt(CacheLookup.found(json), new CachedRead(json, CacheStatus.HIT));
	}

	static CacheAttempt of(CacheLookup lookup) {
		return (lookup.state() == CacheLookup.State.FOUND) ? hit(lookup.json()) : new CacheAttempt(lookup, null);
	}

	/**
	 * The product's JSON as the cache holds it, or {@code null} if the read must go on.
	 */
	public CachedRead hit() {
		return this.hit;
	}

	CacheLookup lookup() {
		return this.lookup;
	}

}
