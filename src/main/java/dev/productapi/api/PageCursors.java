package dev.productapi.api;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.time.OffsetDateTime;
import java.time.format.DateTimeParseException;
import java.util.Arrays;
import java.util.Base64;
import java.util.HexFormat;
import java.util.UUID;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;

import org.springframework.stereotype.Component;

import dev.productapi.database.SharedSecrets;
import dev.productapi.product.ListPosition;
import dev.productapi.product.ProductFilter;

/**
 * List cursors: opaque to clients, signed so that an altered one is refused, and tied to
 * the filters they were issued for. A cursor holds where the last page ended (creation
 * time and id) and a hash of the filters, then an HMAC of both, base64url-encoded. The
 * key is shared by every instance through the database, so any instance accepts a cursor
 * that another issued.
 */
@Component
class PageCursors {

	private static final String ALGORITHM = "HmacSHA256";

	private static final int SIGNATURE_BYTES = 16;

	private final SecretKeySpec key;

	PageCursors(SharedSecrets secrets) {
		this.key = new SecretKeySpec(secrets.get("page-cursor"), ALGORITHM);
	}

	String encode(ListPosition position, ProductFilter filter) {
		String createdAt = (position.createdAt() instanceof OffsetDateTime time) ? "T" + time
				: "S" + position.createdAt();
		byte[] payload = String.join("|", createdAt, position.id().toString(), filterHash(filter))
			.getBytes(StandardCharsets.UTF_8);
		return base64(payload) + "." + base64(sign(payload));
	}

	/**
	 * The position the cursor holds; a 400 naming {@code cursor} if it was altered or is
	 * for other filters.
	 */
	ListPosition decode(String cursor, ProductFilter filter) {
		String[] parts = cursor.split("\\.", -1);
		byte[] payload;
		byte[] signature;
		try {
			if (parts.length != 2) {
				throw invalid();
			}
			payload = Base64.getUrlDecoder().decode(parts[0]);
			signature = Base64.getUrlDecoder().decode(parts[1]);
		}
		catch (IllegalArgumentException ex) {
			throw invalid();
		}
		if (!MessageDigest.isEqual(sign(payload), signature)) {
			throw invalid();
		}
		String[] fields = new String(payload, StandardCharsets.UTF_8).split("\\|", -1);
		if (fields.length != 3 || fields[0].isEmpty()) {
			throw invalid();
		}
		if (!fields[2].equals(filterHash(filter))) {
			throw new InvalidParameterException("cursor",
					"was issued for other filters: repeat the filters of the request that returned it");
		}
		try {
			Object createdAt = (fields[0].charAt(0) == 'T') ? OffsetDateTime.parse(fields[0].substring(1))
					: fields[0].substring(1);
			return new ListPosition(createdAt, UUID.fromString(fields[1]));
		}
		catch (DateTimeParseException | IllegalArgumentException ex) {
			throw invalid();
		}
	}

	private byte[] sign(byte[] payload) {
		try {
			Mac mac = Mac.getInstance(ALGORITHM);
			mac.init(this.key);
			return Arrays.copyOf(mac.doFinal(payload), SIGNATURE_BYTES);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String filterHash(ProductFilter filter) {
		try {
			byte[] digest = MessageDigest.getInstance("SHA-256")
				.digest(filter.canonical().getBytes(StandardCharsets.UTF_8));
			return HexFormat.of().formatHex(digest, 0, 8);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static String base64(byte[] bytes) {
		return Base64.getUrlEncoder().withoutPadding().encodeToString(bytes);
	}

	private static InvalidParameterException invalid() {
		return new InvalidParameterException("cursor", "is not a cursor this API issued: use next_cursor as it came");
	}

}
