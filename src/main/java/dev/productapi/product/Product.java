package dev.productapi.product;

import java.math.BigDecimal;
import java.util.UUID;

import com.fasterxml.jackson.annotation.JsonProperty;

/**
 * A catalog entry. This record is also the wire format: the API returns it and the cache
 * stores it, so both always agree on the JSON.
 */
public record Product(UUID id, String name, String description, BigDecimal price,
		@JsonProperty("stock_quantity") int stockQuantity, long version) {

	public static final int NAME_MAX_LENGTH = 200;

	public static final int DESCRIPTION_MAX_LENGTH = 2000;

	/**
	 * A new product gets its id here, from the server, never from the client. Its price
	 * has two decimals, as the database returns it, so the JSON of the 201 and of every
	 * later read agree byte for byte: 10 is 10.00.
	 */
	public static Product create(String name, String description, BigDecimal price, int stockQuantity) {
		return new Product(UUID.randomUUID(), name, description, price.setScale(Money.SCALE), stockQuantity, 1);
	}

}
