package dev.productapi.product;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.util.UUID;

import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;
import tools.jackson.databind.json.JsonMapper;

import static org.assertj.core.api.Assertions.assertThat;

class ProductJsonTest {

	private static final JsonMapper json = JsonMapper.builder().build();

	@ParameterizedTest
	@ValueSource(longs = { 1, 9, 10, 4711, Long.MAX_VALUE / 10 })
	void readsTheVersionOfWhatJacksonWrites(long version) {
		Product product = new Product(UUID.randomUUID(), "Lamp", "with a \"version\":99} in it", new BigDecimal("9.99"),
				3, version);

		assertThat(ProductJson.version(json.writeValueAsBytes(product))).isEqualTo(version);
	}

	@ParameterizedTest
	@ValueSource(strings = { "{\"id\":\"x\",\"name\":\"old\",\"price\":1.00,\"stock_quantity\":2}",
			"{\"name\":\"\\\"version\\\":5\"}", "{\"version\":}", "{\"version\":12", "", "{}", "{\"xversion\":5}" })
	void anythingElseHasNoVersion(String text) {
		assertThat(ProductJson.version(text.getBytes(StandardCharsets.UTF_8))).isEqualTo(-1);
	}

}
