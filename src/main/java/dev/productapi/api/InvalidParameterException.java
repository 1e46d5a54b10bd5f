package dev.productapi.api;

/**
 * A query parameter or request header with a value the API cannot use: a 400 naming it.
 */
class InvalidParameterException extends RuntimeException {

	private final String parameter;

	InvalidParameterException(String parameter, String message) {
		super(message);
		this.parameter = parameter;
	}

	String parameter() {
		return this.parameter;
	}

}
