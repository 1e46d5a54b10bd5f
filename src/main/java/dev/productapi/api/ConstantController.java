package dev.productapi.api;

import java.nio.charset.StandardCharsets;

import io.swagger.v3.oas.annotations.Hidden;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RestController;

/**
 * The benchmark's reference point: constant bytes shaped like a product, through the same
 * filters, metrics and converters as a product read, but with no cache and no database.
 * Its throughput is what the framework alone can do on the machine, so a cache hit is
 * measured against it. Only present when {@code product-api.benchmark-endpoint=true}.
 */
@RestController
@Hidden
@ConditionalOnBooleanProperty("product-api.benchmark-endpoint")
class ConstantController {

	private static final byte[] PRODUCT_SHAPED = """
			{"id":"00000000-0000-4000-8000-000000000001","name":"Mechanical Keyboard",\
			"description":"Tenkeyless keyboard with hot-swappable switches.","price":89.99,"stock_quantity":120,\
			"version":1}""".getBytes(StandardCharsets.UTF_8);

	@GetMapping(path = "/bench/constant", produces = MediaType.APPLICATION_JSON_VALUE)
	ResponseEntity<byte[]> constant() {
		return ResponseEntity.ok()
			.contentType(MediaType.APPLICATION_JSON)
			.eTag("\"1\"")
			.header(ProductReads.CACHE_HEADER, "HIT")
			.body(PRODUCT_SHAPED);
	}

}
