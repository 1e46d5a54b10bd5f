package dev.productapi.idempotency;

/**
 * Another request with the same key is still being processed: a 409, worth retrying in a
 * moment.
 */
public class IdempotencyKeyInFlightException extends RuntimeException {

	IdempotencyKeyInFlightException(String message) {
		super(message);
	}

}
