package dev.productapi.product;

import java.nio.charset.StandardCharsets;

/**
 * Reads the version out of a product's JSON without parsing it, so that a cache hit can
 * be answered with its {@code ETag}, or with a 304, at the cost of a short scan.
 * <p>
 * The JSON is always {@link Product} as Jackson writes it: its fields in the record's
 * order, so {@code "version":<digits>} is the last member. A string value cannot contain
 * {@code "version":} with an unescaped quote, so the last occurrence is the field.
 */
public final class ProductJson {

	private static final byte[] VERSION_FIELD = "\"version\":".getBytes(StandardCharsets.US_ASCII);

	private ProductJson() {
	}

	/**
	 * The product's version, or -1 if the JSON has none.
	 */
	public static long version(byte[] json) {
		int end = json.length - 1;
		while (end >= 0 && json[end] != '}') {
			end--;
		}
		int start = end;
		while (start > 0 && json[start - 1] >= '0' && json[start - 1] <= '9') {
			start--;
		}
		if (start == end || start < VERSION_FIELD.length || end - start > 18) {
			return -1;
		}
		for (int i = 0; i < VERSION_FIELD.length; i++) {
			if (json[start - VERSION_FIELD.length + i] != VERSION_FIELD[i]) {
				return -1;
			}
		}
		long version = 0;
		for (int i = start; i < end; i++) {
			version = version * 10 + (json[i] - '0');
		}
		return version;
	}

}
