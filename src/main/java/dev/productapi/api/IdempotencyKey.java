package dev.productapi.api;

import java.net.URI;

import org.springframework.http.MediaType;
import org.springframework.http.ResponseEntity;

import dev.productapi.idempotency.IdempotentCreates.Outcome;

/**
 * The {@code Idempotency-Key} request header of {@code POST /products}, after the IETF
 * httpapi draft: the client's unique name for one create, so that it may send the create
 * again after a timeout or a dropped connection without creating a second product.
 */
final class IdempotencyKey {

	static final String HEADER = "Idempotency-Key";

	/** Set on a response that repeats the stored response of an earlier request. */
	static final String REPLAYED_HEADER = "Idempotent-Replayed";

	static final int MAX_LENGTH = 255;

	private IdempotencyKey() {
	}

	/**
	 * The key, if it is 1 to 255 visible ASCII characters (no spaces, no control
	 * characters); else a 400 that names the header.
	 */
	static String check(String value) {
		if (value.isEmpty()) {
			throw new InvalidParameterException(HEADER, "must not be empty");
		}
		if (value.length() > MAX_LENGTH) {
			throw new InvalidParameterException(HEADER, "must be at most " + MAX_LENGTH + " characters");
		}
		if (!value.chars().allMatch((c) -> c >= 0x21 && c <= 0x7E)) {
			throw new InvalidParameterException(HEADER,
					"must be visible ASCII characters only, without spaces or control characters");
		}
		return value;
	}

	/** The 201, the same for the request that created the product and for replays. */
	static ResponseEntity<byte[]> response(Outcome outcome) {
		ResponseEntity.BodyBuilder response = ResponseEntity.created(URI.create("/products/" + outcome.productId()))
			.eTag(EntityTags.of(outcome.version()))
			.contentType(MediaType.APPLICATION_JSON);
		if (outcome.replayed()) {
			response.header(REPLAYED_HEADER, "true");
		}
		return response.body(outcome.body());
	}

}
