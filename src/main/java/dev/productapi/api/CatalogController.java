package dev.productapi.api;

import java.io.ByteArrayOutputStream;
import java.net.URLEncoder;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.Map;
import java.util.StringJoiner;
import java.util.UUID;

import io.swagger.v3.oas.annotations.Operation;
import io.swagger.v3.oas.annotations.Parameter;
import io.swagger.v3.oas.annotations.enums.ParameterIn;
import io.swagger.v3.oas.annotations.headers.Header;
import io.swagger.v3.oas.annotations.media.Content;
import io.swagger.v3.oas.annotations.media.ExampleObject;
import io.swagger.v3.oas.annotations.responses.ApiResponse;
import io.swagger.v3.oas.annotations.tags.Tag;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.http.HttpHeaders;
import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;
import org.springframework.util.MultiValueMap;
import org.springframework.web.bind.annotation.GetMapping;
import org.springframework.web.bind.annotation.RequestMapping;
import org.springframework.web.bind.annotation.RequestParam;
import org.springframework.web.bind.annotation.RestController;

import dev.productapi.api.CatalogQuery.Batch;
import dev.productapi.api.CatalogQuery.Page;
import dev.productapi.product.ListPosition;
import dev.productapi.product.ProductPage;
import dev.productapi.product.ProductRepository;
import dev.productapi.product.ProductService;

/**
 * {@code GET /products}: a page of the catalog, or a batch of products by id. Both answer
 * {@code {"items": [...], ...}}, with each item the same JSON as {@code GET
 * /products/{id}}.
 */
@RestController
@RequestMapping(path = "/products", produces = MediaType.APPLICATION_JSON_VALUE)
@Tag(name = "Products")
class CatalogController {

	private final ProductService products;

	/**
	 * Pages are read from the database alone: a page is one keyset query, never cached.
	 */
	private final ProductRepository pages;

	private final PageCursors cursors;

	private final JsonMapper json;

	CatalogController(ProductService products, ProductRepository pages, PageCursors cursors, JsonMapper json) {
		this.products = products;
		this.pages = pages;
		this.cursors = cursors;
		this.json = json;
	}

	@GetMapping
	@Operation(summary = "List products, or get several by id", description = """
			Without `ids`: a page of products in creation order (then by id), at most `limit` \
			(1-100, default 20), filtered by price, stock and name. `next_cursor`, also in a \
			`Link: <...>; rel="next"` header, fetches the next page with the same filters; it is \
			null on the last page. With `ids` (up to 100, comma-separated): those products, \
			through the cache in one round trip, in the order asked; unknown ids are listed \
			under `missing`.""")
	@ApiResponse(responseCode = "200",
			headers = @Header(name = HttpHeaders.LINK, description = "The next page: <...>; rel=\"next\""),
			content = @Content(examples = { @ExampleObject(name = "page", value = """
					{"items": [{"id": "00000000-0000-4000-8000-000000000001", "name": "Mechanical Keyboard", \
					"description": "Tenkeyless keyboard with hot-swappable switches.", "price": 89.99, \
					"stock_quantity": 120, "version": 1}], "next_cursor": "MjAyNi0xMS0yNiAwMToz...Q.8fA3..."}"""),
					@ExampleObject(name = "batch", value = """
							{"items": [{"id": "00000000-0000-4000-8000-000000000001", "name": "Mechanical Keyboard", \
							"description": "Tenkeyless keyboard with hot-swappable switches.", "price": 89.99, \
							"stock_quantity": 120, "version": 1}], \
							"missing": ["6f1c7a52-30a4-4bd4-8f0e-2a8b7e2f0c11"]}""") }))
	@ApiResponse(responseCode = "400",
			description = "A parameter is malformed, out of range, unknown, or the "
					+ "cursor was altered or issued for other filters; the problem's errors name it")
	// CatalogQuery reads and checks every parameter from the map, and refuses unknown
	// ones; the OpenAPI document learns them from the annotations.
	@Parameter(name = "ids", in = ParameterIn.QUERY, description = "Up to 100 product ids, comma-separated")
	@Parameter(name = "limit", in = ParameterIn.QUERY, description = "1-100, default 20")
	@Parameter(name = "cursor", in = ParameterIn.QUERY, description = "next_cursor of the previous page")
	@Parameter(name = "min_price", in = ParameterIn.QUERY, example = "10.00")
	@Parameter(name = "max_price", in = ParameterIn.QUERY, example = "99.99")
	@Parameter(name = "in_stock", in = ParameterIn.QUERY, description = "true: stock above 0; false: out of stock")
	@Parameter(name = "q", in = ParameterIn.QUERY, description = "Case-insensitive text in the name")
	ResponseEntity<byte[]> list(@Parameter(hidden = true) @RequestParam MultiValueMap<String, String> parameters) {
		return switch (CatalogQuery.parse(parameters)) {
			case Batch batch -> batch(batch.ids());
			case Page page -> page(page);
		};
	}

	private ResponseEntity<byte[]> batch(List<UUID> ids) {
		Map<UUID, byte[]> found = this.products.readAll(ids);
		ByteArrayOutputStream body = items(found.values());
		body.writeBytes(",\"missing\":".getBytes(StandardCharsets.UTF_8));
		body.writeBytes(this.json.writeValueAsBytes(ids.stream().filter((id) -> !found.containsKey(id)).toList()));
		body.write('}');
		return ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON).body(body.toByteArray());
	}

	private ResponseEntity<byte[]> page(Page query) {
		ListPosition after = (query.cursor() != null) ? this.cursors.decode(query.cursor(), query.filter()) : null;
		ProductPage page = this.pages.list(query.filter(), after, query.limit());
		String next = (page.next() != null) ? this.cursors.encode(page.next(), query.filter()) : null;
		ByteArrayOutputStream body = items(page.items().stream().map(this.json::writeValueAsBytes).toList());
		body.writeBytes(",\"next_cursor\":".getBytes(StandardCharsets.UTF_8));
		body.writeBytes(this.json.writeValueAsBytes(next));
		body.write('}');
		ResponseEntity.BodyBuilder response = ResponseEntity.ok().contentType(MediaType.APPLICATION_JSON);
		if (next != null) {
			response.header(HttpHeaders.LINK, "<" + nextLink(query, next) + ">; rel=\"next\"");
		}
		return response.body(body.toByteArray());
	}

	/**
	 * {@code {"items":[...]}} without the closing brace, from items that are JSON
	 * already.
	 */
	private static ByteArrayOutputStream items(Iterable<byte[]> items) {
		ByteArrayOutputStream body = new ByteArrayOutputStream();
		body.writeBytes("{\"items\":[".getBytes(StandardCharsets.UTF_8));
		boolean first = true;
		for (byte[] item : items) {
			if (!first) {
				body.write(',');
			}
			body.writeBytes(item);
			first = false;
		}
		body.write(']');
		return body;
	}

	/** The same query with the next cursor: the filters must come along with it. */
	private static String nextLink(Page query, String next) {
		StringJoiner parameters = new StringJoiner("&", "/products?", "");
		parameters.add("limit=" + query.limit());
		if (query.filter().minPrice() != null) {
			parameters.add("min_price=" + query.filter().minPrice().toPlainString());
		}
		if (query.filter().maxPrice() != null) {
			parameters.add("max_price=" + query.filter().maxPrice().toPlainString());
		}
		if (query.filter().inStock() != null) {
			parameters.add("in_stock=" + query.filter().inStock());
		}
		if (query.filter().nameContains() != null) {
			parameters.add("q=" + URLEncoder.encode(query.filter().nameContains(), StandardCharsets.UTF_8));
		}
		parameters.add("cursor=" + URLEncoder.encode(next, StandardCharsets.UTF_8));
		return parameters.toString();
	}

}
