package dev.productapi.idempotency;

/**
 * The key was used before with a different request: a 422, since retrying cannot help.
 */
public class IdempotencyKeyReusedException extends RuntimeException {

	IdempotencyKeyReusedException() {
		super("This Idempotency-Key was already used with a different request body");
	}

}
