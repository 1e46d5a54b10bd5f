package dev.productapi.api;

import java.math.BigDecimal;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.NotBlank;
import jakarta.validation.constraints.NotNull;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import dev.productapi.product.Product;

/**
 * The body of {@code POST /products}. An {@code id} in the body is ignored: ids are the
 * server's.
 */
@JsonIgnoreProperties("id")
record CreateProductRequest(@NotBlank @Size(max = Product.NAME_MAX_LENGTH) String name,
		@Size(max = Product.DESCRIPTION_MAX_LENGTH) String description,
		@NotNull @DecimalMin("0.00") @Digits(integer = 10, fraction = 2, message = PRICE_DIGITS) BigDecimal price,
		@NotNull @PositiveOrZero @JsonProperty("stock_quantity") Integer stockQuantity) {

	static final String PRICE_DIGITS = "must have at most 10 digits before the point and 2 after";

	Product toProduct() {
		return Product.create(this.name, this.description, this.price, this.stockQuantity);
	}

}
