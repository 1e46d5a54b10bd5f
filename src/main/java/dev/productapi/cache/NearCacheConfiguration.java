package dev.productapi.cache;

import com.github.benmanes.caffeine.cache.Ticker;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import dev.productapi.redis.CacheConnection;

/**
 * The optional in-process tier ({@code CACHE_NEAR_ENABLED}), and the Redis client
 * tracking that keeps it coherent.
 */
@Configuration(proxyBeanMethods = false)
@ConditionalOnBooleanProperty("product-api.cache.near.enabled")
class NearCacheConfiguration {

	@Bean
	NearCache nearCache(CacheProperties cache) {
		return new NearCache(cache.near().maxEntries(), cache.ttl(), Ticker.systemTicker());
	}

	@Bean(destroyMethod = "close")
	NearCacheTracking nearCacheTracking(CacheConnection redis, NearCache near, CacheProperties cache) {
		return new NearCacheTracking(redis, near, cache.retryInterval());
	}

}
