package dev.productapi.api;

import java.math.BigDecimal;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.util.LinkedMultiValueMap;
import org.springframework.util.MultiValueMap;

import dev.productapi.api.CatalogQuery.Batch;
import dev.productapi.api.CatalogQuery.Page;
import dev.productapi.product.ProductFilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The parameters of {@code GET /products}, as the controller hands them over: every one
 * checked, and a bad one named with what it must be.
 */
class CatalogQueryTest {

	private static final String PRICE = "must be a price: a number of at least 0 with at most 2 decimals";

	private static final String LIMIT = "must be a whole number from 1 to 100";

	private static final String Q = "must be 1 to 200 characters, not blank";

	private static final String A_ID = "6f1c7a52-30a4-4bd4-8f0e-2a8b7e2f0c11";

	private static final String B_ID = "00000000-0000-4000-8000-000000000001";

	private static final UUID A = UUID.fromString(A_ID);

	private static final UUID B = UUID.fromString(B_ID);

	@Test
	void noParametersAreTheFirstPageOfEverything() {
		assertThat(parse()).isEqualTo(new Page(ProductFilter.NONE, 20, null));
	}

	@Test
	void everyListParameterIsRead() {
		CatalogQuery query = parse("limit", "5", "cursor", "abc.def", "min_price", "10.5", "max_price", "99.99",
				"in_stock", "false", "q", "desk lamp");

		assertThat(query).isEqualTo(new Page(
				new ProductFilter(new BigDecimal("10.5"), new BigDecimal("99.99"), false, "desk lamp"), 5, "abc.def"));
	}

	@ParameterizedTest(name = "limit={0}")
	@CsvSource({ "1, 1", "100, 100", "42, 42", "' 7 ', 7" })
	void aLimitFromOneToAHundredIsKept(String limit, int expected) {
		assertThat(page("limit", limit).limit()).isEqualTo(expected);
	}

	@ParameterizedTest(name = "limit=''{0}''")
	@ValueSource(strings = { "0", "101", "-1", "1000", "ten", "1.5", "", " ", "2147483648" })
	void anyOtherLimitIsRefused(String limit) {
		assertRejected(List.of("limit", limit), "limit", LIMIT);
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "0", "0.00", "10", "10.5", "10.50", "10.500", "9999999999.99", " 12.30 " })
	void aPriceHasAtMostTwoSignificantDecimalsAndTenDigitsBeforeThePoint(String price) {
		assertThat(page("min_price", price).filter().minPrice()).isEqualByComparingTo(price.trim());
		assertThat(page("max_price", price).filter().maxPrice()).isEqualByComparingTo(price.trim());
	}

	@ParameterizedTest(name = "''{0}''")
	@ValueSource(strings = { "-1", "-0.01", "10.001", "0.005", "10000000000", "1e10", "abc", "", "12,50", "NaN" })
	void anyOtherPriceIsRefusedForEitherBound(String price) {
		assertRejected(List.of("min_price", price), "min_price", PRICE);
		assertRejected(List.of("max_price", price), "max_price", PRICE);
	}

	@Test
	void theLowerBoundMayEqualTheUpperButNotExceedIt() {
		assertThat(page("min_price", "10", "max_price", "10.00").filter())
			.isEqualTo(new ProductFilter(new BigDecimal("10"), new BigDecimal("10.00"), null, null));

		assertRejected(List.of("min_price", "10.01", "max_price", "10"), "min_price",
				"must not be greater than max_price");
	}

	@ParameterizedTest(name = "in_stock={0}")
	@CsvSource({ "true, true", "false, false", "' true ', true" })
	void inStockIsTrueOrFalse(String value, boolean expected) {
		assertThat(page("in_stock", value).filter().inStock()).isEqualTo(expected);
	}

	@ParameterizedTest(name = "in_stock=''{0}''")
	@ValueSource(strings = { "TRUE", "yes", "1", "", "t" })
	void inStockIsNothingElse(String value) {
		assertRejected(List.of("in_stock", value), "in_stock", "must be true or false");
	}

	@Test
	void theSearchTextIsKeptAsItCameUpToTwoHundredCharacters() {
		assertThat(page("q", " 50% off_ ").filter().nameContains()).isEqualTo(" 50% off_ ");
		assertThat(page("q", "x".repeat(200)).filter().nameContains()).hasSize(200);

		assertRejected(List.of("q", "x".repeat(201)), "q", Q);
		assertRejected(List.of("q", ""), "q", Q);
		assertRejected(List.of("q", " \t "), "q", Q);
	}

	@Test
	void aCursorIsPassedOnUnreadButMustNotBeEmpty() {
		assertThat(page("cursor", "anything at all").cursor()).isEqualTo("anything at all");

		assertRejected(List.of("cursor", ""), "cursor", "must not be empty");
	}

	@Test
	void idsAreABatchInTheOrderAskedEachOnce() {
		CatalogQuery query = parse("ids", B + ", " + A + "," + B.toString().toUpperCase());

		assertThat(query).isEqualTo(new Batch(List.of(B, A)));
	}

	@Test
	void aHundredIdsAreAllowedButNotMore() {
		List<String> ids = new ArrayList<>();
		for (int i = 0; i < 101; i++) {
			ids.add(new UUID(0, i).toString());
		}

		assertThat(((Batch) parse("ids", String.join(",", ids.subList(0, 100)))).ids()).hasSize(100);
		assertRejected(List.of("ids", String.join(",", ids)), "ids",
				"has 101 ids, but at most 100 are allowed per request");
	}

	@ParameterizedTest(name = "ids=''{0}''")
	@CsvSource(delimiter = '|', value = { "abc|abc", "''|''", A_ID + ",|''", A_ID + ",,|''", "," + A_ID + "|''",
			A_ID + ";" + B_ID + "|" + A_ID + ";" + B_ID, A_ID + ", not-an-id|not-an-id" })
	void anIdThatIsNoUuidIsNamed(String ids, String named) {
		assertRejected(List.of("ids", ids), "ids",
				"'" + named + "' is not a product id; ids must be UUIDs separated by commas");
	}

	@ParameterizedTest(name = "ids with {0}")
	@ValueSource(strings = { "limit", "cursor", "min_price", "max_price", "in_stock", "q" })
	void idsCannotBeCombinedWithAnyListParameter(String other) {
		assertRejected(List.of("ids", A.toString(), other, "1"), other, "cannot be combined with ids");
		assertRejected(List.of(other, "1", "ids", A.toString()), other, "cannot be combined with ids");
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "limt", "page", "sort", "IDS", "Limit", "" })
	void aParameterThisEndpointDoesNotKnowIsRefusedByName(String unknown) {
		assertRejected(List.of(unknown, "1"), unknown, "is not a parameter of this endpoint");
		assertRejected(List.of("ids", A.toString(), unknown, "1"), unknown, "is not a parameter of this endpoint");
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "ids", "limit", "cursor", "min_price", "max_price", "in_stock", "q" })
	void aParameterGivenTwiceIsRefused(String name) {
		MultiValueMap<String, String> parameters = new LinkedMultiValueMap<>();
		parameters.add(name, "1");
		parameters.add(name, "1");

		assertThatExceptionOfType(InvalidParameterException.class).isThrownBy(() -> CatalogQuery.parse(parameters))
			.withMessage("must be given once")
			.satisfies((ex) -> assertThat(ex.parameter()).isEqualTo(name));
	}

	private static CatalogQuery parse(String... nameValuePairs) {
		return CatalogQuery.parse(parameters(List.of(nameValuePairs)));
	}

	private static Page page(String... nameValuePairs) {
		CatalogQuery query = parse(nameValuePairs);
		assertThat(query).isInstanceOf(Page.class);
		return (Page) query;
	}

	private static MultiValueMap<String, String> parameters(List<String> nameValuePairs) {
		MultiValueMap<String, String> parameters = new LinkedMultiValueMap<>();
		for (int i = 0; i < nameValuePairs.size(); i += 2) {
			parameters.add(nameValuePairs.get(i), nameValuePairs.get(i + 1));
		}
		return parameters;
	}

	private static void assertRejected(List<String> nameValuePairs, String parameter, String message) {
		assertThatExceptionOfType(InvalidParameterException.class)
			.isThrownBy(() -> CatalogQuery.parse(parameters(nameValuePairs)))
			.withMessage(message)
			.satisfies((ex) -> assertThat(ex.parameter()).isEqualTo(parameter));
	}

}
