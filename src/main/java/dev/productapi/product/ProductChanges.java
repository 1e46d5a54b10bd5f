package dev.productapi.product;

import java.math.BigDecimal;

/**
 * A partial update: {@code null} means "leave as it is". Description is the one field
 * that may be cleared, so whether it was sent is tracked separately from its value.
 */
public record ProductChanges(String name, boolean descriptionChanged, String description, BigDecimal price,
		Integer stockQuantity) {

	public boolean isEmpty() {
		return this.name == null && !this.descriptionChanged && this.price == null && this.stockQuantity == null;
	}

}
