package dev.productapi.config;

import java.util.Map;

import org.junit.jupiter.api.Test;

import dev.productapi.support.RunningApp;
import dev.productapi.support.TestDatabases;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * A bad setting stops the application itself, not only the translation that
 * {@link EnvironmentSettingsTest} checks.
 */
class EnvironmentSettingsIT {

	@Test
	void theApplicationRefusesToStartWithABadSetting() {
		assertThatThrownBy(
				() -> RunningApp.start(Map.of("CACHE_TTL_SECONDS", "-5", "DATABASE_URL", TestDatabases.sqlite())))
			.isInstanceOf(InvalidSettingException.class)
			.hasMessageContaining("CACHE_TTL_SECONDS");
	}

}
