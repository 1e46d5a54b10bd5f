package dev.productapi.cache;

/**
 * A product read through the cache: its JSON, or {@code null} when there is no such
 * product, and how the cache served it.
 */
public record CachedRead(byte[] json, CacheStatus status) {

	public boolean found() {
		return this.json != null;
	}

}
