package dev.productapi.product;

import java.math.BigDecimal;

/**
 * What a list keeps: prices within bounds, products in stock, names containing a text
 * (case-insensitive). Any part may be absent ({@code null}).
 */
public record ProductFilter(BigDecimal minPrice, BigDecimal maxPrice, Boolean inStock, String nameContains) {

	public static final ProductFilter NONE = new ProductFilter(null, null, null, null);

	/** The same filter always gives the same text, so a cursor can be tied to it. */
	public String canonical() {
		return String.join("|", String.valueOf(stripped(this.minPrice)), String.valueOf(stripped(this.maxPrice)),
				String.valueOf(this.inStock), String.valueOf(this.nameContains));
	}

	private static BigDecimal stripped(BigDecimal price) {
		return (price != null) ? price.stripTrailingZeros() : null;
	}

}
