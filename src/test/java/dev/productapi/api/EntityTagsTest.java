package dev.productapi.api;

import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.productapi.api.EntityTags.Tag;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code If-Match} and {@code If-None-Match} (RFC 9110, section 13.1): what they are
 * parsed into, what they match, and the 400 a malformed one gets.
 */
class EntityTagsTest {

	private static final String MALFORMED = "must be * or a list of entity tags such as \"3\" or W/\"3\", separated by commas";

	@Test
	void aProductsTagIsItsVersionInQuotes() {
		assertThat(EntityTags.of(7)).isEqualTo("\"7\"");
		assertThat(EntityTags.of(Long.MAX_VALUE)).isEqualTo("\"9223372036854775807\"");
	}

	@Test
	void whatATagOfAVersionSaysIsThatVersion() {
		for (long version : List.of(1L, 42L, 999_999_999_999_999_999L)) {
			EntityTags tags = EntityTags.parse("If-Match", EntityTags.of(version));

			assertThat(tags.strongVersions()).containsExactly(version);
			assertThat(tags.matchesWeakly(version)).isTrue();
			assertThat(tags.matchesWeakly(version + 1)).isFalse();
		}
	}

	@Test
	void aStarIsAnyVersion() {
		EntityTags any = EntityTags.parse("If-None-Match", " * ");

		assertThat(any).isEqualTo(new EntityTags(true, List.of()));
		assertThat(any.matchesWeakly(1)).isTrue();
		assertThat(any.matchesWeakly(Long.MAX_VALUE)).isTrue();
		assertThat(any.strongVersions()).as("a star is no version").isEmpty();
	}

	@Test
	void strongAndWeakTagsInAList() {
		EntityTags tags = EntityTags.parse("If-None-Match", "\"1\", W/\"2\" ,\"abc\",W/\"\",\t\"é\"");

		assertThat(tags.any()).isFalse();
		assertThat(tags.tags()).containsExactly(new Tag(false, "1"), new Tag(true, "2"), new Tag(false, "abc"),
				new Tag(true, ""), new Tag(false, "é"));
	}

	@Test
	void aStrongComparisonTakesStrongTagsOfVersionsOnlyEachOnceInOrder() {
		EntityTags tags = EntityTags.parse("If-Match", "\"3\", W/\"4\", \"x7\", \"-5\", \"+6\", \"1\", \"3\", \"\"");

		assertThat(tags.strongVersions()).containsExactly(3L, 1L);
	}

	@Test
	void aStrongComparisonTakesVersionsOfUpToEighteenDigits() {
		assertThat(EntityTags.parse("If-Match", "\"999999999999999999\"").strongVersions())
			.containsExactly(999_999_999_999_999_999L);
		assertThat(EntityTags.parse("If-Match", "\"9223372036854775807\"").strongVersions()).isEmpty();
	}

	@Test
	void aWeakComparisonMatchesWeakAndStrongTagsAlike() {
		EntityTags tags = EntityTags.parse("If-None-Match", "W/\"5\", \"8\"");

		assertThat(tags.matchesWeakly(5)).isTrue();
		assertThat(tags.matchesWeakly(8)).isTrue();
		assertThat(tags.matchesWeakly(6)).isFalse();
		assertThat(tags.strongVersions()).containsExactly(8L);
	}

	@Test
	void aWeakComparisonComparesTheTagsTextWithTheVersionsDigits() {
		assertThat(EntityTags.parse("If-None-Match", "\"05\", \"five\", W/\"5.0\"").matchesWeakly(5)).isFalse();
		assertThat(EntityTags.parse("If-None-Match", "\"05\", W/\"5\"").matchesWeakly(5)).isTrue();
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "", "   ", "7", "\"7", "7\"", "W/7", "w/\"7\"", "W/", "W/\"7", "\"7\" \"8\"",
			"\"7\";\"8\"", ",\"7\"", "\"7\",,\"8\"", "\"7\", *", "*, \"7\"", "**", "\"a\"b\"", "\"a b\"",
			"\"a\u007Fb\"", "\"a\u0001b\"", "W/ \"7\"", "W /\"7\"" })
	void aMalformedHeaderIsA400NamingIt(String value) {
		for (String header : List.of("If-Match", "If-None-Match")) {
			assertThatExceptionOfType(InvalidParameterException.class).isThrownBy(() -> EntityTags.parse(header, value))
				.withMessage(MALFORMED)
				.satisfies((ex) -> assertThat(ex.parameter()).isEqualTo(header));
		}
	}

}
