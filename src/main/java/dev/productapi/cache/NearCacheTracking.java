package dev.productapi.cache;

import java.time.Duration;
import java.util.List;
import java.util.UUID;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.RedisURI;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.push.PushMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

/**
 * The near cache's own RESP3 connection to Redis, with {@code CLIENT TRACKING ON}: reads
 * that miss the near cache go over it, Redis remembers which keys this instance read, and
 * pushes an invalidation message when any client (another instance's write, an expiry, a
 * lease) changes one. A broken connection loses the tracking state, so the near cache is
 * disabled at disconnect and enabled again, empty, once tracking is back.
 */
final class NearCacheTracking implements SchedulingConfigurer, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(NearCacheTracking.class);

	private final RedisClient client;

	private final RedisURI uri;

	private final NearCache near;

	private final Duration retryInterval;

	private volatile StatefulRedisConnection<String, byte[]> connection;

	private volatile boolean closed;

	NearCacheTracking(RedisClient client, RedisURI uri, NearCache near, Duration retryInterval) {
		this.client = client;
		this.uri = uri;
		this.near = near;
		this.retryInterval = retryInterval;
	}

	/**
	 * Reads the key over the tracking connection, so Redis tracks it for this instance,
	 * and keeps the value in the near cache. Throws what Lettuce throws, for the circuit
	 * breaker.
	 */
	byte[] readThrough(UUID id) {
		Object placeholder = this.near.reserve(id);
		byte[] value = CacheConnection.await(this.connection.async().get(CacheKey.of(id)));
		this.near.complete(id, placeholder, value);
		return value;
	}

	/**
	 * Connection and tracking are (re)established in the background, never on a request.
	 */
	@Override
	public void configureTasks(ScheduledTaskRegistrar tasks) {
		tasks.addFixedDelayTask(this::maintain, this.retryInterval);
	}

	void maintain() {
		if (this.near.isEnabled()) {
			return;
		}
		try {
			if (this.connection == null) {
				StatefulRedisConnection<String, byte[]> created = this.client.connect(CacheConnection.CODEC, this.uri);
				created.addListener(this::onPush);
				created.addListener(new RedisConnectionStateListener() {
					@Override
					public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
						if (!NearCacheTracking.this.closed) {
							NearCacheTracking.this.near.disable("connection lost");
						}
					}
				});
				this.connection = created;
			}
			this.connection.sync().clientTracking(TrackingArgs.Builder.enabled());
			this.near.enable();
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
		this.near.invalidateKeys((content.size() >= 2 && content.get(1) instanceof List<?> keys) ? keys : null);
	}

	@Override
	public void close() {
		this.closed = true;
		if (this.connection != null) {
			this.connection.close();
		}
	}

}
