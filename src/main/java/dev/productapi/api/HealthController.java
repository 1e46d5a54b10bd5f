package dev.productapi.api;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.productapi.database.DatabaseAvailability;

/**
 * The simple health check, {@code {"status":"ok"}}. It answers "ok" whenever the process
 * can serve, with Redis and the database as details: cached reads work without the
 * database and everything works without Redis, so neither being away is a reason to fail
 * it (a restart would not bring them back). Richer probes live under
 * {@code /actuator/health}.
 */
@RestController
@Tag(name = "Health")
class HealthController {

	/** The cache's health indicator, whose detail says whether Redis is in use. */
	private final HealthIndicator cache;

	private final DatabaseAvailability database;

	HealthController(@Qualifier("cache") HealthIndicator cache, DatabaseAvailability database) {
		this.cache = cache;
		this.database = database;
	}

	@GetMapping("/health")
	@Operation(summary = "Liveness check; reports Redis and the database as details")
	HealthStatus health() {
		return new HealthStatus("ok", String.valueOf(this.cache.health().getDetails().get("redis")),
				describe(this.database.isAvailable()));
	}

	private static String describe(boolean available) {
		return available ? "available" : "unavailable";
	}

	record HealthStatus(String status, String redis, String database) {
	}

}
