package dev.productapi.api;

import java.net.URI;
import java.util.UUID;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.validation.Valid;

import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.ResponseStatus;
import org.springframework.web.bind.annotation.RestController;

import dev.productapi.cache.CachedRead;
import dev.productapi.product.Product;
import dev.productapi.product.ProductService;

@RestController
@RequestMapping(path = "/products", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Products")
class ProductController {

	static final String CACHE_HEADER = "X-Cache";

	private final ProductService products;

	ProductController(ProductService products) {
		this.products = products;
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Create a product; the server assigns its id")
	ResponseEntity<Product> create(@Valid @RequestBody CreateProductRequest request) {
		Product created = this.products.create(request.toProduct());
		return ResponseEntity.created(URI.create("/products/" + created.id())).body(created);
	}

	@GetMapping("/{id}")
	@Operation(summary = "Get a product, from the cache when it holds it")
	@ApiResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = Product.class)),
			headers = @Header(name = CACHE_HEADER, description = "HIT, MISS or BYPASS (Redis unavailable)"))
	ResponseEntity<byte[]> get(@PathVariable UUID id) {
		CachedRead product = this.products.read(id);
		return ResponseEntity.ok()
			.contentType(MediaType.APPLICATION_JSON)
			.header(CACHE_HEADER, product.status().name())
			.body(product.json());
	}

	@PutMapping(path = "/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Update some or all fields of a product; fields not sent stay as they are")
	Product update(@PathVariable UUID id, @Valid @RequestBody UpdateProductRequest request) {
		var changes = request.toChanges();
		if (changes.isEmpty()) {
			throw new EmptyUpdateException();
		}
		return this.products.update(id, changes);
	}

	@DeleteMapping("/{id}")
	@ResponseStatus(HttpStatus.NO_CONTENT)
	@Operation(summary = "Delete a product")
	void delete(@PathVariable UUID id) {
		this.products.delete(id);
	}

}
