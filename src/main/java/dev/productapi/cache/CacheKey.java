package dev.productapi.cache;

import java.util.UUID;

/**
 * The Redis key of a product, {@code product:{id}}: everything cached about a product
 * lives under this one key, so one {@code DEL} invalidates all of it and every script
 * touches a single key (and so a single Cluster slot).
 */
final class CacheKey {

	static final String PREFIX = "product:";

	private CacheKey() {
	}

	static String of(UUID id) {
		return PREFIX + id;
	}

	/** The product id in a key, or {@code null} if the key is not a product's. */
	static UUID parse(String key) {
		if (!key.startsWith(PREFIX)) {
			return null;
		}
		try {
			return UUID.fromString(key.substring(PREFIX.length()));
		}
		catch (IllegalArgumentException ex) {
			return null;
		}
	}

}
