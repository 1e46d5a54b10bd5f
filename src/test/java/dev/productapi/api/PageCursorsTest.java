package dev.productapi.api;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.time.OffsetDateTime;
import java.time.ZoneOffset;
import java.util.Arrays;
import java.util.Base64;
import java.util.List;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.assertj.core.api.ThrowableAssert.ThrowingCallable;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.productapi.database.InMemorySharedSecrets;
import dev.productapi.product.ListPosition;
import dev.productapi.product.ProductFilter;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * List cursors without a database: the signing key comes from
 * {@link InMemorySharedSecrets}, which stands in for the table that shares it between
 * instances.
 */
class PageCursorsTest {

	private static final String NOT_ISSUED = "is not a cursor this API issued: use next_cursor as it came";

	private static final String OTHER_FILTERS = "was issued for other filters: repeat the filters of the request that returned it";

	private static final String ALPHABET = "ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_";

	private static final UUID ID = UUID.fromString("6f1c7a52-30a4-4bd4-8f0e-2a8b7e2f0c11");

	private static final UUID OTHER_ID = UUID.fromString("00000000-0000-4000-8000-000000000001");

	/** PostgreSQL's creation times are timestamps. */
	private static final ListPosition ON_POSTGRESQL = new ListPosition(
			OffsetDateTime.of(2026, 11, 26, 1, 30, 5, 123_456_000, ZoneOffset.ofHours(2)), ID);

	/** SQLite's are text. */
	private static final ListPosition ON_SQLITE = new ListPosition("2026-11-26 01:30:05.123", ID);

	private static final ProductFilter FILTER = new ProductFilter(new BigDecimal("10.00"), new BigDecimal("99.99"),
			true, "lamp");

	private final InMemorySharedSecrets secrets = new InMemorySharedSecrets();

	private final PageCursors cursors = new PageCursors(this.secrets);

	@Test
	void theKeyIsTheSharedSecretNamedPageCursor() {
		assertThat(this.secrets.requested()).containsExactly("page-cursor");
	}

	@Test
	void aCursorGivesBackThePositionItWasIssuedFor() {
		ListPosition onTheMinute = new ListPosition(OffsetDateTime.of(2026, 1, 1, 0, 0, 0, 0, ZoneOffset.UTC), ID);
		for (ListPosition position : List.of(ON_POSTGRESQL, ON_SQLITE, onTheMinute)) {
			for (ProductFilter filter : List.of(ProductFilter.NONE, FILTER)) {
				String cursor = this.cursors.encode(position, filter);

				assertThat(this.cursors.decode(cursor, filter)).as("%s with %s", position, filter).isEqualTo(position);
			}
		}
	}

	@Test
	void aCursorIsTwoUnpaddedBase64UrlPartsSoItNeedsNoEscapingInAUrl() {
		assertThat(this.cursors.encode(ON_POSTGRESQL, FILTER)).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{22}");
		assertThat(this.cursors.encode(ON_SQLITE, ProductFilter.NONE)).matches("[A-Za-z0-9_-]+\\.[A-Za-z0-9_-]{22}");
	}

	@Test
	void anotherInstanceSharingTheSecretAcceptsTheCursor() {
		PageCursors otherInstance = new PageCursors(this.secrets);

		assertThat(otherInstance.decode(this.cursors.encode(ON_SQLITE, FILTER), FILTER)).isEqualTo(ON_SQLITE);
	}

	@Test
	void aCursorSignedWithAnotherSecretIsRefused() {
		PageCursors otherDeployment = new PageCursors(new InMemorySharedSecrets());
		String cursor = this.cursors.encode(ON_SQLITE, FILTER);

		assertRefused(() -> otherDeployment.decode(cursor, FILTER), NOT_ISSUED);
	}

	@Test
	void aCursorIsRefusedWithOtherFilters() {
		String cursor = this.cursors.encode(ON_POSTGRESQL, FILTER);
		List<ProductFilter> others = List.of(ProductFilter.NONE,
				new ProductFilter(new BigDecimal("10.01"), new BigDecimal("99.99"), true, "lamp"),
				new ProductFilter(new BigDecimal("10.00"), null, true, "lamp"),
				new ProductFilter(new BigDecimal("10.00"), new BigDecimal("99.99"), false, "lamp"),
				new ProductFilter(new BigDecimal("10.00"), new BigDecimal("99.99"), null, "lamp"),
				new ProductFilter(new BigDecimal("10.00"), new BigDecimal("99.99"), true, "Lamp"));

		for (ProductFilter other : others) {
			assertRefused(() -> this.cursors.decode(cursor, other), OTHER_FILTERS);
		}
	}

	@Test
	void equalPricesWrittenDifferentlyAreTheSameFilter() {
		String cursor = this.cursors.encode(ON_POSTGRESQL, FILTER);
		ProductFilter same = new ProductFilter(new BigDecimal("10"), new BigDecimal("99.990"), true, "lamp");

		assertThat(this.cursors.decode(cursor, same)).isEqualTo(ON_POSTGRESQL);
	}

	@Test
	void aCursorWhosePositionWasRewrittenIsRefused() {
		String[] parts = this.cursors.encode(ON_SQLITE, FILTER).split("\\.");
		String payload = new String(Base64.getUrlDecoder().decode(parts[0]), StandardCharsets.UTF_8);
		String rewritten = payload.replace(ID.toString(), OTHER_ID.toString());
		assertThat(rewritten).isNotEqualTo(payload);

		assertRefused(() -> this.cursors.decode(base64(rewritten) + "." + parts[1], FILTER), NOT_ISSUED);
	}

	@Test
	void changingAnyCharacterOfEitherPartIsRefused() {
		// The highest of the six bits a character carries is used in every position,
		// the last one of a part included.
		String cursor = this.cursors.encode(ON_POSTGRESQL, FILTER);
		for (int i = 0; i < cursor.length(); i++) {
			if (cursor.charAt(i) == '.') {
				continue;
			}
			String altered = withCharacter(cursor, i, 0b100000);

			assertRefused(() -> this.cursors.decode(altered, FILTER), NOT_ISSUED);
		}
	}

	@Test
	void theUnusedLowBitsOfEachPartsLastCharacterAreIgnored() {
		// Without padding, the last character of a part may carry bits that belong to no
		// byte: 4 after 3n+1 bytes (the 16-byte signature), 2 after 3n+2. The decoder
		// drops them, so such a spelling decodes to the very bytes that were signed and
		// says what the cursor says. Each part is tried with every such variant.
		ListPosition position = new ListPosition("2026-11-26 01:30:05.1234", ID);
		String cursor = this.cursors.encode(position, FILTER);
		int dot = cursor.indexOf('.');
		int payloadBytes = Base64.getUrlDecoder().decode(cursor.substring(0, dot)).length;
		assertThat(unusedBits(payloadBytes)).as("unused bits after %d bytes", payloadBytes).isEqualTo(4);
		assertThat(unusedBits(16)).isEqualTo(4);
		for (int last : List.of(dot - 1, cursor.length() - 1)) {
			for (int bits = 1; bits < 16; bits++) {
				String variant = withCharacter(cursor, last, bits);
				assertThat(variant).isNotEqualTo(cursor);

				assertThat(this.cursors.decode(variant, FILTER)).as(variant).isEqualTo(position);
			}
		}
	}

	@ParameterizedTest(name = "\"{0}\"")
	@ValueSource(strings = { "", ".", "..", "abc", "a.b.c", "%2E", "!!!.!!!", "A.A", "AAAA+/AA.AAAA", "AAAA.AAAA" })
	void whatIsNoCursorIsRefused(String cursor) {
		assertRefused(() -> this.cursors.decode(cursor, FILTER), NOT_ISSUED);
	}

	@Test
	void thePartsOfACursorInTheOtherOrderAreRefused() {
		String[] parts = this.cursors.encode(ON_SQLITE, FILTER).split("\\.");

		assertRefused(() -> this.cursors.decode(parts[1] + "." + parts[0], FILTER), NOT_ISSUED);
	}

	@Test
	void aSignedPayloadThatHoldsNoPositionIsRefused() {
		String issued = this.cursors.encode(ON_SQLITE, FILTER);
		String[] fields = payloadOf(issued).split("\\|");
		assertThat(fields).as("creation time, id, filter hash").hasSize(3);
		String hash = fields[2];
		// The test signs as the API does: what it signs is refused for its content alone.
		assertThat(signed(payloadOf(issued))).isEqualTo(issued);
		assertThat(this.cursors.decode(signed("S2026-11-27|" + OTHER_ID + "|" + hash), FILTER))
			.isEqualTo(new ListPosition("2026-11-27", OTHER_ID));

		for (String payload : List.of("S2026-11-27|" + ID, "S2026-11-27|" + ID + "|" + hash + "|more",
				"|" + ID + "|" + hash, "Tnot-a-time|" + ID + "|" + hash, "T2026-11-27|" + ID + "|" + hash,
				"S2026-11-27|not-a-uuid|" + hash, "S2026-11-27||" + hash)) {
			assertRefused(() -> this.cursors.decode(signed(payload), FILTER), NOT_ISSUED);
		}
		assertRefused(() -> this.cursors.decode(signed("S2026-11-27|" + ID + "|0123456789abcdef"), FILTER),
				OTHER_FILTERS);
	}

	private String payloadOf(String cursor) {
		return new String(Base64.getUrlDecoder().decode(cursor.substring(0, cursor.indexOf('.'))),
				StandardCharsets.UTF_8);
	}

	/**
	 * A cursor for the payload as the API would sign it: HMAC-SHA256 with the shared
	 * secret, cut to 16 bytes.
	 */
	private String signed(String payload) {
		try {
			Mac mac = Mac.getInstance("HmacSHA256");
			mac.init(new SecretKeySpec(this.secrets.get("page-cursor"), "HmacSHA256"));
			byte[] signature = Arrays.copyOf(mac.doFinal(payload.getBytes(StandardCharsets.UTF_8)), 16);
			return base64(payload) + "." + Base64.getUrlEncoder().withoutPadding().encodeToString(signature);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String base64(String text) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(text.getBytes(StandardCharsets.UTF_8));
	}

	/** The cursor with the character at the index changed in the given bits. */
	private static String withCharacter(String cursor, int index, int bits) {
		char changed = ALPHABET.charAt(ALPHABET.indexOf(cursor.charAt(index)) ^ bits);
		return cursor.substring(0, index) + changed + cursor.substring(index + 1);
	}

	/** How many bits of the last base64 character belong to no byte. */
	private static int unusedBits(int bytes) {
		return switch (bytes % 3) {
			case 1 -> 4;
			case 2 -> 2;
			default -> 0;
		};
	}

	private static void assertRefused(ThrowingCallable decode, String message) {
		assertThatExceptionOfType(InvalidParameterException.class).isThrownBy(decode)
			.withMessage(message)
			.satisfies((ex) -> assertThat(ex.parameter()).isEqualTo("cursor"));
	}

}
