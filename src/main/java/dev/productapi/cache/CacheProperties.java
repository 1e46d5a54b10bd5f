package dev.productapi.cache;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * @param ttl how long a cached product lives; the final bound on staleness if an invalidation
 * is ever lost (set from {@code CACHE_TTL_SECONDS})
 * @param retryInterval while Redis is failing, how often one request probes it again
 */
@ConfigurationProperties("product-api.cache")
public record CacheProperties(Duration ttl, Duration retryInterval) {

	public CacheProperties {
		ttl = (ttl != null) ? ttl : Duration.ofHours(1);
		retryInterval = (retryInterval != null) ? retryInterval : Duration.ofSeconds(1);
	}

}
