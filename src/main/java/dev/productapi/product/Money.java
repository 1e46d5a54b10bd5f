package dev.productapi.product;

import java.math.BigDecimal;

/**
 * Prices are stored as whole cents. SQLite has no exact decimal type (its NUMERIC
 * affinity turns 29.99 into a binary double), so an integer column is the one
 * representation that is exact on every database we support.
 */
final class Money {

	static final int SCALE = 2;

	private Money() {
	}

	static long toCents(BigDecimal price) {
		return price.movePointRight(SCALE).longValueExact();
	}

	static BigDecimal fromCents(long cents) {
		return BigDecimal.valueOf(cents, SCALE);
	}

}
