package dev.productapi.api;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.productapi.cache.ProductCache;
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

	private final ProductCache cache;

	private final DatabaseAvailability database;

	HealthController(ProductCache cache, DatabaseAvailability database) {
		this.cache = cache;
		this.database = database;
	}

	@GetMapping("/health")
	@Operation(summary = "Liveness check; reports Redis and the database as details")
	HealthStatus health() {
		return new HealthStatus("ok", describe(this.cache.isAvailable()), describe(this.database.isAvailable()));
	}

	private static String describe(boolean available) {
		return available ? "available" : "unavailable";
	}

	record HealthStatus(String status, String redis, String database) {
	}

}
