package dev.productapi.api;

/** A PUT that names no field to change: almost always a client bug, so it is rejected. */
class EmptyUpdateException extends RuntimeException {

	EmptyUpdateException() {
		super("The request body must contain at least one of: name, description, price, stock_quantity");
	}

}
