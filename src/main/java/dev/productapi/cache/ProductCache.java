package dev.productapi.cache;

import java.util.EnumMap;
import java.util.Map;
import java.util.UUID;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.data.redis.connection.RedisConnectionCommands;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.stereotype.Component;

/**
 * Products in Redis under {@code product:{id}}, as the product's JSON.
 * <p>
 * Redis is an optimisation, never a dependency: every method here absorbs Redis failures and
 * reports them through the circuit breaker, so a caller only ever sees "hit", "miss" or
 * "bypass", and a write is never failed by its invalidation.
 */
@Component
public class ProductCache {

	private static final String KEY_PREFIX = "product:";

	private final RedisTemplate<String, byte[]> redis;

	private final CacheProperties properties;

	private final RedisCircuitBreaker breaker;

	private final Map<Result, Counter> requests = new EnumMap<>(Result.class);

	public ProductCache(RedisTemplate<String, byte[]> productRedisTemplate, CacheProperties properties,
			MeterRegistry meters) {
		this.redis = productRedisTemplate;
		this.properties = properties;
		this.breaker = new RedisCircuitBreaker(properties.retryInterval());
		for (Result result : Result.values()) {
			this.requests.put(result, Counter.builder("product.cache.requests")
				.description("Product cache lookups by result")
				.tag("result", result.name().toLowerCase())
				.register(meters));
		}
	}

	public static String key(UUID id) {
		return KEY_PREFIX + id;
	}

	public CacheLookup get(UUID id) {
		if (!this.breaker.allowsRequest()) {
			count(Result.BYPASS);
			return CacheLookup.BYPASS;
		}
		try {
			byte[] json = this.redis.opsForValue().get(key(id));
			this.breaker.recordSuccess();
			count(json != null ? Result.HIT : Result.MISS);
			return json != null ? CacheLookup.hit(json) : CacheLookup.MISS;
		}
		catch (RuntimeException ex) {
			this.breaker.recordFailure(ex);
			count(Result.ERROR);
			return CacheLookup.BYPASS;
		}
	}

	public void put(UUID id, byte[] json) {
		if (this.breaker.allowsRequest()) {
			call(() -> {
				this.redis.opsForValue().set(key(id), json, this.properties.ttl());
				return null;
			}, null);
		}
	}

	public void evict(UUID id) {
		if (this.breaker.allowsRequest()) {
			call(() -> this.redis.delete(key(id)), null);
		}
	}

	/** Whether Redis answered a PING; used for start-up and health reporting. */
	public boolean ping() {
		return call(() -> "PONG".equals(this.redis.execute(RedisConnectionCommands::ping, true)), false);
	}

	public boolean isAvailable() {
		return !this.breaker.isOpen();
	}

	private <T> T call(Supplier<T> command, T fallback) {
		try {
			T result = command.get();
			this.breaker.recordSuccess();
			return result;
		}
		catch (RuntimeException ex) {
			this.breaker.recordFailure(ex);
			return fallback;
		}
	}

	private void count(Result result) {
		this.requests.get(result).increment();
	}

	/** Metric tag values: an error is a Redis call that failed, a bypass one that was skipped. */
	private enum Result {

		HIT, MISS, BYPASS, ERROR

	}

}
