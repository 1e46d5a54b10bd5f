package dev.productapi.config;

/** An environment variable holds a value the API cannot run with. */
public class InvalidSettingException extends RuntimeException {

	private final String variable;

	private final Object fallback;

	InvalidSettingException(String variable, String value, String expectation, Object fallback) {
		super(variable + " is '" + redact(variable, value) + "', but must be " + expectation);
		this.variable = variable;
		this.fallback = fallback;
	}

	private static String redact(String variable, String value) {
		return variable.contains("PASSWORD") || variable.equals("DATABASE_URL") && value.contains("@") ? "***" : value;
	}

	public String variable() {
		return this.variable;
	}

	public Object fallback() {
		return this.fallback;
	}

}
