package dev.productapi.idempotency;

import java.math.BigDecimal;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.HexFormat;

import dev.productapi.product.Product;

/**
 * What makes two create requests the same: their fields after parsing, not their bytes.
 * Whitespace, field order and {@code 10} against {@code 10.00} make no difference; any
 * change of a value does. The fingerprint is the SHA-256 of a canonical form in which
 * every field is prefixed with its length, so no two different requests share one.
 */
final class RequestFingerprint {

	/** Changes if the canonical form ever does, so old and new never compare equal. */
	private static final String FORM = "create-product/1";

	private RequestFingerprint() {
	}

	static String of(Product product) {
		MessageDigest sha256 = sha256();
		for (String field : new String[] { FORM, product.name(), product.description(), canonical(product.price()),
				Integer.toString(product.stockQuantity()) }) {
			if (field == null) {
				sha256.update("-;".getBytes(StandardCharsets.UTF_8));
			}
			else {
				byte[] bytes = field.getBytes(StandardCharsets.UTF_8);
				sha256.update((bytes.length + ":").getBytes(StandardCharsets.UTF_8));
				sha256.update(bytes);
				sha256.update((byte) ';');
			}
		}
		return HexFormat.of().formatHex(sha256.digest());
	}

	private static String canonical(BigDecimal price) {
		return (price != null) ? price.stripTrailingZeros().toPlainString() : null;
	}

	private static MessageDigest sha256() {
		try {
			return MessageDigest.getInstance("SHA-256");
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException("Every Java platform has SHA-256", ex);
		}
	}

}
