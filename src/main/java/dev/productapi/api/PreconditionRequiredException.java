package dev.productapi.api;

/** A write without If-Match, where the API is set to require one (428). */
class PreconditionRequiredException extends RuntimeException {

	PreconditionRequiredException() {
		super("This API requires If-Match on writes: read the product, then send its ETag in If-Match");
	}

}
