package dev.productapi.config;

/**
 * A setting the API cannot run with: a bad value, two settings that contradict each
 * other, or one the API cannot honour. The message names the settings as the operator
 * wrote them.
 */
public class InvalidSettingException extends RuntimeException {

	private final String variable;

	private final String action;

	private InvalidSettingException(String variable, String message, String action) {
		super(message);
		this.variable = variable;
		this.action = action;
	}

	public static InvalidSettingException badValue(String variable, String value, String expectation, Object fallback) {
		return new InvalidSettingException(variable,
				variable + " is '" + redact(variable, value) + "', but must be " + expectation,
				"Correct " + variable + ", or unset it to use the default (" + fallback + ").");
	}

	/** Two settings that cannot both hold. */
	public static InvalidSettingException conflict(String first, String second, String why) {
		return new InvalidSettingException(first, first + " and " + second + " are both set, but " + why,
				"Set only one of " + first + " and " + second + ".");
	}

	/** A setting that is incomplete, or one this API cannot honour. */
	public static InvalidSettingException unusable(String setting, String why, String action) {
		return new InvalidSettingException(setting, setting + " " + why, action);
	}

	private static String redact(String variable, String value) {
		return variable.contains("PASSWORD") || (variable.endsWith("_URL") && value.contains("@")) ? "***" : value;
	}

	/** The setting to correct first. */
	public String variable() {
		return this.variable;
	}

	public String action() {
		return this.action;
	}

}
