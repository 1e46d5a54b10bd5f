package dev.productapi.cache;

import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.List;
import java.util.Set;

import io.lettuce.core.RedisChannelHandler;
import io.lettuce.core.RedisConnectionStateListener;
import io.lettuce.core.TrackingArgs;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.push.PushMessage;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.scheduling.annotation.SchedulingConfigurer;
import org.springframework.scheduling.config.ScheduledTaskRegistrar;

import dev.productapi.redis.CacheConnection;

/**
 * Keeps the near cache coherent: a RESP3 connection to every master with
 * {@code CLIENT TRACKING ON BCAST PREFIX product:}, on which Redis pushes the name of
 * every product key that any client changes (another instance's write, an expiry, a
 * lease, a fill). Broadcast mode tracks keys whether or not they were read over that
 * connection, so reads use the ordinary connection, on every topology, and a Cluster
 * needs no more than one tracking connection per master.
 * <p>
 * Redis forgets the tracking of a connection that breaks, and a new master or a new
 * Cluster topology is not tracked yet; each of those disables the near cache, which
 * forgets everything, until tracking is on again everywhere.
 */
final class NearCacheTracking implements SchedulingConfigurer, AutoCloseable {

	private static final Logger logger = LoggerFactory.getLogger(NearCacheTracking.class);

	private static final TrackingArgs BROADCAST_PRODUCT_KEYS = TrackingArgs.Builder.enabled()
		.bcast()
		.prefixes(CacheKey.PREFIX);

	private final CacheConnection redis;

	private final NearCache near;

	private final Duration retryInterval;

	private final Set<StatefulRedisConnection<String, byte[]>> listenedTo = Collections
		.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

	private volatile List<StatefulRedisConnection<String, byte[]>> tracked = List.of();

	private volatile boolean closed;

	NearCacheTracking(CacheConnection redis, NearCache near, Duration retryInterval) {
		this.redis = redis;
		this.near = near;
		this.retryInterval = retryInterval;
		redis.onChange(() -> near.disable("the Redis masters changed"));
	}

	/** Tracking is (re)established in the background, never on a request. */
	@Override
	public void configureTasks(ScheduledTaskRegistrar tasks) {
		tasks.addFixedDelayTask(this::maintain, this.retryInterval);
	}

	void maintain() {
		if (this.closed) {
			return;
		}
		try {
			if (this.near.isEnabled()) {
				// A frozen master keeps its connection open but pushes nothing.
				this.tracked.forEach((connection) -> connection.sync().ping());
				return;
			}
			List<StatefulRedisConnection<String, byte[]>> connections = this.redis.trackingConnections();
			this.listenedTo.retainAll(connections);
			for (StatefulRedisConnection<String, byte[]> connection : connections) {
				listenTo(connection);
				// Off first: a connection that is still tracking refuses the same prefix
				// twice.
				connection.sync().clientTracking(TrackingArgs.Builder.enabled(false));
				connection.sync().clientTracking(BROADCAST_PRODUCT_KEYS);
			}
			this.tracked = connections;
			this.near.enable();
		}
		catch (RuntimeException ex) {
			this.near.disable("tracking failed: " + ex.getMessage());
			logger.debug("Near cache cannot enable tracking yet: {}", ex.getMessage());
		}
	}

	private void listenTo(StatefulRedisConnection<String, byte[]> connection) {
		if (!this.listenedTo.add(connection)) {
			return;
		}
		connection.addListener(this::onPush);
		connection.addListener(new RedisConnectionStateListener() {
			@Override
			public void onRedisDisconnected(RedisChannelHandler<?, ?> handler) {
				if (!NearCacheTracking.this.closed) {
					NearCacheTracking.this.near.disable("connection lost");
				}
			}
		});
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
	}

}
