package dev.productapi.config;

import org.springframework.core.env.ConfigurableEnvironment;

/** Reads and checks one variable at a time, naming it in every complaint. */
public record Variables(ConfigurableEnvironment environment) {

	/** The setting's value, or {@code null} when it is not set. */
	public String text(Setting setting) {
		return text(setting.name(), null);
	}

	/** The setting's whole number, within its bounds, or its default. */
	public int integer(Setting setting) {
		return integer(setting, Integer.parseInt(setting.defaultValue()));
	}

	/** The setting's whole number, within its bounds, or a default computed elsewhere. */
	public int integer(Setting setting, int fallback) {
		return integer(setting.name(), fallback, setting.min(), setting.max());
	}

	/** The setting's number, decimals allowed, within its bounds, or its default. */
	public double decimal(Setting setting) {
		String name = setting.name();
		double fallback = Double.parseDouble(setting.defaultValue());
		String value = text(name, null);
		if (value == null) {
			return fallback;
		}
		try {
			double number = Double.parseDouble(value);
			if (number >= setting.min() && number <= setting.max()) {
				return number;
			}
		}
		catch (NumberFormatException ex) {
			// reported below, with the range
		}
		throw InvalidSettingException.badValue(name, value,
				"a number from " + setting.min() + " to " + setting.max() + " (such as 0.25)", fallback);
	}

	/** One of the values allowed, in lower case, or the setting's default. */
	public String choice(Setting setting, String... allowed) {
		String value = text(setting);
		if (value == null) {
			return setting.defaultValue();
		}
		for (String choice : allowed) {
			if (choice.equalsIgnoreCase(value)) {
				return choice;
			}
		}
		throw InvalidSettingException.badValue(setting.name(), value, "one of " + String.join(", ", allowed),
				setting.defaultValue());
	}

	/** The setting's true or false, or its default. */
	public boolean bool(Setting setting) {
		return bool(setting.name(), Boolean.parseBoolean(setting.defaultValue()));
	}

	public String text(String name, String fallback) {
		String value = this.environment.getProperty(name);
		return (value == null || value.isBlank()) ? fallback : value.trim();
	}

	public int integer(String name, int fallback, int min, int max) {
		String value = text(name, null);
		if (value == null) {
			return fallback;
		}
		try {
			int number = Integer.parseInt(value);
			if (number >= min && number <= max) {
				return number;
			}
		}
		catch (NumberFormatException ex) {
			// reported below, with the range
		}
		throw InvalidSettingException.badValue(name, value, "a whole number from " + min + " to " + max, fallback);
	}

	public boolean bool(String name, boolean fallback) {
		String value = text(name, null);
		if (value == null) {
			return fallback;
		}
		return switch (value.toLowerCase()) {
			case "true", "1", "yes" -> true;
			case "false", "0", "no" -> false;
			default -> throw InvalidSettingException.badValue(name, value, "true or false", fallback);
		};
	}

	/**
	 * Whether the environment holds a value for this name, in any of Spring's forms.
	 */
	public boolean isSet(String name) {
		return this.environment.containsProperty(name);
	}

	DatabaseUrl database(Setting setting) {
		String name = setting.name();
		String fallback = setting.defaultValue();
		String value = text(name, fallback);
		try {
			return DatabaseUrl.parse(value);
		}
		catch (IllegalArgumentException ex) {
			throw InvalidSettingException.badValue(name, value, ex.getMessage(), fallback);
		}
	}

}
