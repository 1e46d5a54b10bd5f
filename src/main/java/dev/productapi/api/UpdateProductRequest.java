package dev.productapi.api;

import java.math.BigDecimal;

import com.fasterxml.jackson.annotation.JsonIgnoreProperties;
import com.fasterxml.jackson.annotation.JsonProperty;
import com.fasterxml.jackson.annotation.JsonSetter;
import com.fasterxml.jackson.annotation.Nulls;
import jakarta.validation.constraints.DecimalMin;
import jakarta.validation.constraints.Digits;
import jakarta.validation.constraints.Pattern;
import jakarta.validation.constraints.PositiveOrZero;
import jakarta.validation.constraints.Size;

import dev.productapi.product.Product;
import dev.productapi.product.ProductChanges;

/**
 * The body of {@code PUT /products/{id}}: a partial update, where a field that is not
 * sent stays as it is. A class rather than a record, because "not sent" and "sent as
 * null" must be told apart: an explicit null is rejected for the required fields (Jackson
 * fails on it, naming the field) and clears the optional description.
 */
@JsonIgnoreProperties("id")
class UpdateProductRequest {

	@Pattern(regexp = "(?s).*\\S.*", message = "must not be blank")
	@Size(max = Product.NAME_MAX_LENGTH)
	private String name;

	@Size(max = Product.DESCRIPTION_MAX_LENGTH)
	private String description;

	private boolean descriptionSent;

	@DecimalMin("0.00")
	@Digits(integer = 10, fraction = 2, message = CreateProductRequest.PRICE_DIGITS)
	private BigDecimal price;

	@PositiveOrZero
	private Integer stockQuantity;

	public String getName() {
		return this.name;
	}

	@JsonSetter(nulls = Nulls.FAIL)
	public void setName(String name) {
		this.name = name;
	}

	public String getDescription() {
		return this.description;
	}

	public void setDescription(String description) {
		this.description = description;
		this.descriptionSent = true;
	}

	public BigDecimal getPrice() {
		return this.price;
	}

	@JsonSetter(nulls = Nulls.FAIL)
	public void setPrice(BigDecimal price) {
		this.price = price;
	}

	@JsonProperty("stock_quantity")
	public Integer getStockQuantity() {
		return this.stockQuantity;
	}

	@JsonSetter(value = "stock_quantity", nulls = Nulls.FAIL)
	public void setStockQuantity(Integer stockQuantity) {
		this.stockQuantity = stockQuantity;
	}

	ProductChanges toChanges() {
		return new ProductChanges(this.name, this.descriptionSent, this.description, this.price, this.stockQuantity);
	}

}
