package dev.productapi.config;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Turns a bad environment variable into a short start-up report instead of a stack trace.
 */
class InvalidSettingFailureAnalyzer extends AbstractFailureAnalyzer<InvalidSettingException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, InvalidSettingException cause) {
		String action = "Correct " + cause.variable() + ", or unset it to use the default (" + cause.fallback()
				+ "). .env.example lists every variable.";
		return new FailureAnalysis("Invalid configuration: " + cause.getMessage() + ".", action, cause);
	}

}
