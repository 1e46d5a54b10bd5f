package dev.productapi.cache;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.UUID;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.push.PushMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.annotation.Scheduled;

/**
 * An optional in-process tier in front of Redis, kept coherent by Redis itself.
 * <p>
 * Reads that miss here go to Redis over a dedicated RESP3 connection with
 * {@code CLIENT TRACKING ON}: Redis remembers which keys this instance read and pushes an
 * invalidation message when any client (another instance's write, an expiry, a lease) changes
 * one. The message evicts the entry here.
 * <p>
 * Two races are handled. A value read just before its invalidation could otherwise be stored
 * after the invalidation was processed; so a placeholder is stored before the read, the
 * invalidation removes it, and the value replaces the placeholder only if it is still there.
 * And a broken connection loses the tracking state, so every entry is dropped at disconnect,
 * and the tier stays off until tracking is enabled again.
 */
final class NearCache implements AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(NearCache.class);

	private final Cache<UUID, Object> entries;

	private final RedisClient client;

	private final RedisURI uri;

	private volatile StatefulRedisConnection<String, byte[]> connection;

	private volatile boolean tracking;

	NearCache(RedisClient client, RedisURI uri, int maxEntries, Duration ttl) {
		this.client = client;
		this.uri = uri;
		this.entries = Caffeine.newBuilder().maximumSize(maxEntries).expireAfterWrite(ttl).build();
	}

	/** The cached JSON, or {@code null}; never blocks. */
	byte[] getIfPresent(UUID id) {
		return (this.tracking && this.entries.getIfPresent(id) instanceof byte[] json) ? json : null;
	}

	boolean isTracking() {
		return this.tracking;
	}

	/**
	 * Reads the key from Redis over the tracking connection, keeping the value here if no
	 * invalidation arrived meanwhile. Throws what Lettuce throws, for the circuit breaker.
	 */
	byte[] readThrough(UUID id, String key) {
		Object placeholder = new Object();
		this.entries.put(id, placeholder);
		byte[] value = CacheConnection.await(this.connection.async().get(key));
		if (value != null && value.length > 0 && value[0] == '{') {
			this.entries.asMap().replace(id, placeholder, value);
		}
		else {
			this.entries.asMap().remove(id, placeholder);
		}
		return value;
	}

	void invalidate(UUID id) {
		this.entries.invalidate(id);
	}

	/** Connects and enables tracking if needed; runs in the background, never on a request. */
	@Scheduled(fixedDelay = 500, initialDelay = 0)
	void maintain() {
		if (this.tracking) {
			return;
		}
		try {
			if (this.connection == null) {
				StatefulRedisConnection<String, byte[]> created = this.client
					.connect(CacheConnection.CODEC, this.uri);
				created.addListener(this::onPush);
				created.addListener(new RedisConnectionStateListener() {
					@Override
					public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
						stopTracking("connection lost");
					}
				});
				this.connection = created;
			}
			this.entries.invalidateAll();
			this.connection.sync().clientTracking(TrackingArgs.Builder.enabled());
			this.tracking = true;
			logger.info("Near cache is tracking Redis invalidations");
		}
		catch (RuntimeException ex) {
			logger.debug("Near cache cannot enable tracking yet: {}", ex.getMessage());
		}
	}

	private void onPush(PushMessage message) {
		if (!"invalidate".equals(message.getType())) {
			return;
		}
		List<Object> content = message.getContent();
		if (content.size() < 2 || !(content.get(1) instanceof List<?> keys)) {
			// A null key list means "everything": Redis flushed, or ran out of tracking table.
			this.entries.invalidateAll();
			return;
		}
		for (Object key : keys) {
			String name = (key instanceof ByteBuffer buffer) ? StandardCharsets.UTF_8.decode(buffer.duplicate()).toString()
					: String.valueOf(key);
			if (name.startsWith("product:")) {
				try {
					this.entries.invalidate(UUID.fromString(name.substring("product:".length())));
				}
				catch (IllegalArgumentException ex) {
					// not one of our keys
				}
			}
		}
	}

	void stopTracking(String reason) {
		if (this.tracking) {
			logger.warn("Near cache off until Redis tracking is restored ({})", reason);
		}
		this.tracking = false;
		this.entries.invalidateAll();
	}

	@Override
	public void close() {
		this.tracking = false;
		if (this.connection != null) {
			this.connection.close();
		}
	}

}
