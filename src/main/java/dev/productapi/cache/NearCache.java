package dev.productapi.cache;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import com.github.benmanes.caffeine.cache.Ticker;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * An optional in-process tier in front of Redis, kept coherent by Redis itself: Redis
 * tells {@link NearCacheTracking} which keys changed, and this class forgets them.
 * <p>
 * Two races are handled here. A value read from Redis just before its invalidation could
 * be stored after the invalidation was processed; so a placeholder is stored before the
 * read ({@link #reserve}), the invalidation removes it, and the value replaces the
 * placeholder only if it is still there ({@link #complete}). And Redis forgets what it
 * tracked for a connection that breaks, so the tier serves nothing, and holds nothing,
 * while tracking is not on ({@link #enable}, {@link #disable}).
 */
final class NearCache {

	private static final Logger logger = LoggerFactory.getLogger(NearCache.class);

	private final Cache<UUID, Object> entries;

	private volatile boolean enabled;

	NearCache(int maxEntries, Duration ttl, Ticker ticker) {
		this.entries = Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(ttl).ticker(ticker).build();
	}

	/** The cached JSON, or {@code null}; never blocks. */
	byte[] getIfPresent(UUID id) {
		return (this.enabled && this.entries.getIfPresent(id) instanceof byte[] json) ? json : null;
	}

	boolean isEnabled() {
		return this.enabled;
	}

	/** Marks a read from Redis as started; pass the result to {@link #complete}. */
	Object reserve(UUID id) {
		Object placeholder = new Object();
		this.entries.put(id, placeholder);
		return placeholder;
	}

	/**
	 * Keeps what Redis returned, unless an invalidation arrived since {@link #reserve}.
	 * Only products are kept: a lease or an absent marker is not worth a memory entry.
	 */
	void complete(UUID id, Object placeholder, byte[] value) {
		if (value != null && value.length > 0 && value[0] == '{') {
			this.entries.asMap().replace(id, placeholder, value);
		}
		else {
			this.entries.asMap().remove(id, placeholder);
		}
	}

	void invalidate(UUID id) {
		this.entries.invalidate(id);
	}

	/**
	 * Applies one invalidation message from Redis: the keys that changed, or
	 * {@code null}, which means "everything" (Redis flushed, or its tracking table
	 * overflowed). Keys arrive as byte buffers or strings; keys that are not products'
	 * are ignored.
	 */
	void invalidateKeys(List<?> keys) {
		if (keys == null) {
			this.entries.invalidateAll();
			return;
		}
		for (Object key : keys) {
			String name = (key instanceof ByteBuffer buffer)
					? StandardCharsets.UTF_8.decode(buffer.duplicate()).toString() : String.valueOf(key);
			UUID id = CacheKey.parse(name);
			if (id != null) {
				this.entries.invalidate(id);
			}
		}
	}

	/** Starts serving, empty: call once Redis tracks this instance's reads. */
	void enable() {
		this.entries.invalidateAll();
		this.enabled = true;
		logger.info("Near cache is tracking Redis invalidations");
	}

	/** Stops serving and forgets everything: call when tracking may have been lost. */
	void disable(String reason) {
		if (this.enabled) {
			logger.warn("Near cache off until Redis tracking is restored ({})", reason);
		}
		this.enabled = false;
		this.entries.invalidateAll();
	}

}
