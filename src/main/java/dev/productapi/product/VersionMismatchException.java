package dev.productapi.product;

import java.util.UUID;

/** A conditional write found the product at a version other than the client expected. */
public class VersionMismatchException extends RuntimeException {

	public VersionMismatchException(UUID id) {
		super("Product " + id + " has changed since the version in If-Match");
	}

}
