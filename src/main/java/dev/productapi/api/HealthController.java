package dev.productapi.api;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.tags.Tag;

import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.productapi.cache.ProductCache;

/**
 * The simple health check, {@code {"status":"ok"}}. It answers "ok" whenever the process
 * can serve, with Redis as a detail: the API works without Redis, so Redis being away is
 * not a reason to fail it. Richer probes live under {@code /actuator/health}.
 */
@RestController
@Tag(name = "Health")
class HealthController {

	private final ProductCache cache;

	HealthController(ProductCache cache) {
		this.cache = cache;
	}

	@GetMapping("/health")
	@Operation(summary = "Liveness check; reports Redis as a detail")
	HealthStatus health() {
		return new HealthStatus("ok", this.cache.isAvailable() ? "available" : "unavailable");
	}

	record HealthStatus(String status, String redis) {
	}

}
