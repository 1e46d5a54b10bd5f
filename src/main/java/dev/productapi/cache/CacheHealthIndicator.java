package dev.productapi.cache;

import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.stereotype.Component;

/**
 * Reports Redis as a detail and never as DOWN: the API serves from the database without
 * it, so an orchestrator must not restart or unroute an instance because Redis is away.
 * Reads the circuit breaker's state, so a health check never waits on a dead Redis.
 */
@Component("cache")
class CacheHealthIndicator implements HealthIndicator {

	private final ProductCache cache;

	CacheHealthIndicator(ProductCache cache) {
		this.cache = cache;
	}

	@Override
	public Health health() {
		return Health.up().withDetail("redis", this.cache.isAvailable() ? "available" : "unavailable").build();
	}

}
