package dev.productapi.api;

import java.io.IOException;
import java.net.URI;
import java.util.UUID;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.media.Schema;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.security.SecurityRequirement;
import io.swagger.v3.oas.annotations.tags.Tag;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import jakarta.validation.Valid;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.web.bind.annotation.DeleteMapping;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.PathVariable;
import org.springframework.web.bind.annotation.PostMapping;
import org.springframework.web.bind.annotation.PutMapping;
import org.springframework.web.bind.annotation.RequestBody;
import org.springframework.web.bind.annotation.RequestHeader;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RestController;

import dev.productapi.idempotency.IdempotentCreates;
import dev.productapi.product.ExpectedVersions;
import dev.productapi.product.Product;
import dev.productapi.product.ProductService;

@RestController
@RequestMapping(path = "/products", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Products")
class ProductController {

	private final ProductService products;

	private final ProductReads reads;

	private final boolean ifMatchRequired;

	private final IdempotentCreates idempotentCreates;

	ProductController(ProductService products, ProductReads reads,
			@Value("${product-api.require-if-match}") boolean ifMatchRequired, IdempotentCreates idempotentCreates) {
		this.products = products;
		this.reads = reads;
		this.ifMatchRequired = ifMatchRequired;
		this.idempotentCreates = idempotentCreates;
	}

	@PostMapping(consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Create a product; the server assigns its id",
			description = "With an Idempotency-Key, the request may be sent again safely: for 24 h "
					+ "(IDEMPOTENCY_KEY_TTL_SECONDS), the same key with the same fields gets the first "
					+ "response again and creates nothing.",
			security = @SecurityRequirement(name = WriteTokenFilter.SECURITY_SCHEME))
	@ApiResponse(responseCode = "201", description = "Created, or the first response to this Idempotency-Key",
			content = @Content(schema = @Schema(implementation = Product.class)),
			headers = { @Header(name = HttpHeaders.LOCATION, description = "/products/{id}"),
					@Header(name = HttpHeaders.ETAG, description = "The product's version, \"1\""),
					@Header(name = IdempotencyKey.REPLAYED_HEADER,
							description = "true on a replay of the first response to this Idempotency-Key") })
	@ApiResponse(responseCode = "400", description = "An invalid field, or an invalid Idempotency-Key",
			content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE, examples = @ExampleObject("""
					{"title":"Invalid request","status":400,\
					"detail":"Idempotency-Key must be at most 255 characters","instance":"/products",\
					"errors":[{"parameter":"Idempotency-Key","message":"must be at most 255 characters"}]}""")))
	@ApiResponse(responseCode = "401",
			description = "API_WRITE_TOKEN is set and the request has no bearer token, or a wrong one",
			headers = @Header(name = HttpHeaders.WWW_AUTHENTICATE,
					description = "Bearer realm=\"product-api\", with error=\"invalid_token\" for a wrong token"),
			content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE, examples = @ExampleObject("""
					{"type":"about:blank","title":"Unauthorized","status":401,\
					"detail":"The bearer token is not valid","instance":"/products"}""")))
	@ApiResponse(responseCode = "409",
			description = "A request with this Idempotency-Key is still being processed; retry after Retry-After",
			headers = @Header(name = HttpHeaders.RETRY_AFTER, description = "Seconds to wait: 1"),
			content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE, examples = @ExampleObject("""
					{"title":"Idempotency-Key in use","status":409,\
					"detail":"A request with this Idempotency-Key is still being processed",\
					"instance":"/products"}""")))
	@ApiResponse(responseCode = "422", description = "This Idempotency-Key was used with different fields",
			content = @Content(mediaType = MediaType.APPLICATION_PROBLEM_JSON_VALUE, examples = @ExampleObject("""
					{"title":"Idempotency-Key reused","status":422,\
					"detail":"This Idempotency-Key was already used with a different request body",\
					"instance":"/products"}""")))
	ResponseEntity<?> create(@Parameter(description = "1 to 255 visible ASCII characters, unique per create",
			example = "8e03978e-40d5-43e8-bc93-6894a57f9324") @RequestHeader(name = IdempotencyKey.HEADER,
					required = false) String idempotencyKey,
			@Valid @RequestBody CreateProductRequest request) {
		if (idempotencyKey != null) {
			return IdempotencyKey
				.response(this.idempotentCreates.create(IdempotencyKey.check(idempotencyKey), request.toProduct()));
		}
		Product created = this.products.create(request.toProduct());
		return ResponseEntity.created(URI.create("/products/" + created.id()))
			.eTag(EntityTags.of(created.version()))
			.body(created);
	}

	@GetMapping("/{id}")
	@Operation(summary = "Get a product, from the cache when it holds it",
			description = "The ETag is the product's version. With If-None-Match naming it, the answer is 304 "
					+ "without a body; on a cache hit that costs neither a database read nor a JSON parse.")
	@ApiResponse(responseCode = "200", content = @Content(schema = @Schema(implementation = Product.class)),
			headers = {
					@Header(name = ProductReads.CACHE_HEADER, description = "HIT, MISS or BYPASS (Redis unavailable)"),
					@Header(name = HttpHeaders.ETAG, description = "The product's version, e.g. \"3\"") })
	@ApiResponse(responseCode = "304", description = "If-None-Match names the current version")
	void get(@PathVariable UUID id,
			@Parameter(example = "\"3\"") @RequestHeader(name = HttpHeaders.IF_NONE_MATCH,
					required = false) String ifNoneMatch,
			HttpServletRequest request, HttpServletResponse response) throws IOException {
		// The reads that HitFastLane leaves to Spring MVC come here, and so do the reads
		// that failed, whose failures are thrown here for the exception handlers.
		ProductReads.rethrowFailedRead(request);
		EntityTags notWanted = (ifNoneMatch != null) ? EntityTags.parse(HttpHeaders.IF_NONE_MATCH, ifNoneMatch) : null;
		if (!this.reads.answer(id, notWanted, request, response)) {
			ProductReads.rethrowFailedRead(request);
		}
	}

	@PutMapping(path = "/{id}", consumes = MediaType.APPLICATION_JSON_VALUE)
	@Operation(summary = "Update some or all fields of a product; fields not sent stay as they are",
			description = "With If-Match, the update happens only if the product is still at one of the "
					+ "versions named, else 412 and nothing changes.")
	@ApiResponse(responseCode = "412", description = "The product's version is not one of those in If-Match")
	@ApiResponse(responseCode = "401", description = "API_WRITE_TOKEN is set and the bearer token is missing or wrong")
	@SecurityRequirement(name = WriteTokenFilter.SECURITY_SCHEME)
	ResponseEntity<Product> update(@PathVariable UUID id,
			@Parameter(example = "\"3\"") @RequestHeader(name = HttpHeaders.IF_MATCH, required = false) String ifMatch,
			@Valid @RequestBody UpdateProductRequest request) {
		var changes = request.toChanges();
		if (changes.isEmpty()) {
			throw new EmptyUpdateException();
		}
		Product updated = this.products.update(id, changes, expectedVersions(ifMatch));
		return ResponseEntity.ok().eTag(EntityTags.of(updated.version())).body(updated);
	}

	@DeleteMapping("/{id}")
	@Operation(summary = "Delete a product",
			description = "With If-Match, the product is deleted only if it is still at one of the versions "
					+ "named, else 412 and nothing changes.")
	@ApiResponse(responseCode = "204", description = "Deleted")
	@ApiResponse(responseCode = "412", description = "The product's version is not one of those in If-Match")
	@ApiResponse(responseCode = "401", description = "API_WRITE_TOKEN is set and the bearer token is missing or wrong")
	@SecurityRequirement(name = WriteTokenFilter.SECURITY_SCHEME)
	ResponseEntity<Void> delete(@PathVariable UUID id,
			@Parameter(example = "\"3\"") @RequestHeader(name = HttpHeaders.IF_MATCH,
					required = false) String ifMatch) {
		this.products.delete(id, expectedVersions(ifMatch));
		return ResponseEntity.noContent().build();
	}

	/**
	 * What If-Match allows: any version without it (unless it is required), any existing
	 * version for {@code *}, else the versions it names.
	 */
	private ExpectedVersions expectedVersions(String ifMatch) {
		if (ifMatch == null) {
			if (this.ifMatchRequired) {
				throw new PreconditionRequiredException();
			}
			return ExpectedVersions.ANY;
		}
		EntityTags tags = EntityTags.parse(HttpHeaders.IF_MATCH, ifMatch);
		return tags.any() ? ExpectedVersions.ANY : ExpectedVersions.oneOf(tags.strongVersions());
	}

}
