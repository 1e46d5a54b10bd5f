package dev.productapi.api;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;

import org.springframework.util.MultiValueMap;

import dev.productapi.product.ProductFilter;

/**
 * The query of {@code GET /products}: a batch of ids, or a page of the list with its
 * filters. Every parameter is checked and a bad one is a 400 that names it; so is one
 * this endpoint does not know, rather than a typo silently ignored.
 */
sealed interface CatalogQuery {

	int DEFAULT_LIMIT = 20;

	int MAX_LIMIT = 100;

	int MAX_IDS = 100;

	int MAX_SEARCH_LENGTH = 200;

	Set<String> LIST_PARAMETERS = Set.of("limit", "cursor", "min_price", "max_price", "in_stock", "q");

	/** {@code ?ids=a,b,c}: these products, in this order, each once. */
	record Batch(List<UUID> ids) implements CatalogQuery {
	}

	/** {@code ?limit=&cursor=&min_price=&max_price=&in_stock=&q=}. */
	record Page(ProductFilter filter, int limit, String cursor) implements CatalogQuery {
	}

	static CatalogQuery parse(MultiValueMap<String, String> parameters) {
		for (Map.Entry<String, List<String>> parameter : parameters.entrySet()) {
			if (!parameter.getKey().equals("ids") && !LIST_PARAMETERS.contains(parameter.getKey())) {
				throw new InvalidParameterException(parameter.getKey(), "is not a parameter of this endpoint");
			}
			if (parameter.getValue().size() > 1) {
				throw new InvalidParameterException(parameter.getKey(), "must be given once");
			}
		}
		String ids = parameters.getFirst("ids");
		if (ids != null) {
			parameters.keySet().stream().filter(LIST_PARAMETERS::contains).findFirst().ifPresent((other) -> {
				throw new InvalidParameterException(other, "cannot be combined with ids");
			});
			return new Batch(ids(ids));
		}
		BigDecimal minPrice = price("min_price", parameters.getFirst("min_price"));
		BigDecimal maxPrice = price("max_price", parameters.getFirst("max_price"));
		if (minPrice != null && maxPrice != null && minPrice.compareTo(maxPrice) > 0) {
			throw new InvalidParameterException("min_price", "must not be greater than max_price");
		}
		ProductFilter filter = new ProductFilter(minPrice, maxPrice, inStock(parameters.getFirst("in_stock")),
				search(parameters.getFirst("q")));
		String cursor = parameters.getFirst("cursor");
		if (cursor != null && cursor.isEmpty()) {
			throw new InvalidParameterException("cursor", "must not be empty");
		}
		return new Page(filter, limit(parameters.getFirst("limit")), cursor);
	}

	private static List<UUID> ids(String value) {
		String[] parts = value.split(",", -1);
		if (parts.length > MAX_IDS) {
			throw new InvalidParameterException("ids",
					"has " + parts.length + " ids, but at most " + MAX_IDS + " are allowed per request");
		}
		Set<UUID> ids = new LinkedHashSet<>();
		for (String part : parts) {
			try {
				ids.add(UUID.fromString(part.trim()));
			}
			catch (IllegalArgumentException ex) {
				throw new InvalidParameterException("ids",
						"'" + part.trim() + "' is not a product id; ids must be UUIDs separated by commas");
			}
		}
		return new ArrayList<>(ids);
	}

	private static int limit(String value) {
		if (value == null) {
			return DEFAULT_LIMIT;
		}
		try {
			int limit = Integer.parseInt(value.trim());
			if (limit >= 1 && limit <= MAX_LIMIT) {
				return limit;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw new InvalidParameterException("limit", "must be a whole number from 1 to " + MAX_LIMIT);
	}

	private static BigDecimal price(String name, String value) {
		if (value == null) {
			return null;
		}
		try {
			BigDecimal price = new BigDecimal(value.trim());
			if (price.signum() >= 0 && price.stripTrailingZeros().scale() <= 2
					&& price.precision() - price.scale() <= 10) {
				return price;
			}
		}
		catch (NumberFormatException ex) {
			// reported below
		}
		throw new InvalidParameterException(name, "must be a price: a number of at least 0 with at most 2 decimals");
	}

	private static Boolean inStock(String value) {
		if (value == null) {
			return null;
		}
		return switch (value.trim()) {
			case "true" -> true;
			case "false" -> false;
			default -> throw new InvalidParameterException("in_stock", "must be true or false");
		};
	}

	private static String search(String value) {
		if (value == null) {
			return null;
		}
		if (value.isBlank() || value.length() > MAX_SEARCH_LENGTH) {
			throw new InvalidParameterException("q", "must be 1 to " + MAX_SEARCH_LENGTH + " characters, not blank");
		}
		return value;
	}

}
