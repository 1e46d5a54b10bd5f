package dev.productapi.redis;

import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import dev.productapi.config.InvalidSettingException;
import dev.productapi.support.RunningApp;
import dev.productapi.support.TestDatabases;

import static org.assertj.core.api.Assertions.assertThatThrownBy;

/**
 * {@code REDIS_TLS_CA_CERT} naming a file that is not there stops the application itself,
 * not only the translation that {@link RedisCaCertificateSettingTest} checks.
 */
class RedisCaCertificateSettingIT {

	@Test
	void theApplicationRefusesToStartWithAMissingCaCertificate(@TempDir Path directory) {
		String missing = directory.resolve("ca.pem").toString();
		assertThatThrownBy(() -> RunningApp
			.start(Map.of("REDIS_TLS", "true", "REDIS_TLS_CA_CERT", missing, "DATABASE_URL", TestDatabases.sqlite())))
			.isInstanceOf(InvalidSettingException.class)
			.hasMessageContaining("REDIS_TLS_CA_CERT")
			.hasMessageContaining(missing);
	}

}
