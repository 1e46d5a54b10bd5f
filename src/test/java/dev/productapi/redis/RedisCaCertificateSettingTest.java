package dev.productapi.redis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import dev.productapi.config.InvalidSettingException;
import dev.productapi.support.TestTls;
import dev.productapi.support.TranslatedSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code REDIS_TLS_CA_CERT}: the CA certificate to trust for Redis's TLS certificate
 * becomes Spring Boot's SSL bundle {@code redis}, once the file is known to hold a PEM
 * certificate, and only with TLS. That the application itself refuses to start without
 * the file: {@link RedisCaCertificateSettingIT}.
 */
class RedisCaCertificateSettingTest {

	private static final String BUNDLE_CERTIFICATE = "spring.ssl.bundle.pem.redis.truststore.certificate";

	@Test
	void becomesTheSslBundleOfTheRedisConnection() {
		Path ca = TestTls.caCertificate();

		Map<String, Object> properties = translate(
				Map.of("REDIS_TLS", "true", "REDIS_TLS_CA_CERT", ca.toString(), "REDIS_HOST", "cache"));

		assertThat(properties).containsEntry(BUNDLE_CERTIFICATE, ca.toUri().toString())
			.containsEntry("spring.data.redis.ssl.bundle", "redis")
			.containsEntry("spring.data.redis.ssl.enabled", true);
	}

	@Test
	void aRelativePathIsResolvedAgainstTheWorkingDirectory() {
		Path ca = TestTls.caCertificate();
		String relative = Path.of("").toAbsolutePath().relativize(ca).toString();

		assertThat(translate(Map.of("REDIS_TLS", "true", "REDIS_TLS_CA_CERT", relative)))
			.containsEntry(BUNDLE_CERTIFICATE, ca.toUri().toString());
	}

	@ParameterizedTest(name = "{0}")
	@CsvSource({ "REDIS_URL, rediss://:pw@cache:6380", "REDIS_URL, 'rediss-sentinel://s1:26379,s2:26379#products'",
			"spring.data.redis.url, rediss://cache:6380", "spring.data.redis.ssl.enabled, true" })
	void tlsMayBeAskedForByAnyOfItsSettings(String setting, String value) {
		Map<String, Object> properties = translate(
				Map.of(setting, value, "REDIS_TLS_CA_CERT", TestTls.caCertificate().toString()));

		assertThat(properties).containsEntry("spring.data.redis.ssl.bundle", "redis")
			.containsEntry("spring.data.redis.ssl.enabled", true);
	}

	@Test
	void worksForEveryTopology() {
		String ca = TestTls.caCertificate().toString();
		assertThat(translate(
				Map.of("REDIS_CLUSTER_NODES", "r1:7000,r2:7001", "REDIS_TLS", "true", "REDIS_TLS_CA_CERT", ca)))
			.containsEntry("spring.data.redis.cluster.nodes", "r1:7000,r2:7001")
			.containsEntry("spring.data.redis.ssl.bundle", "redis");
		assertThat(translate(Map.of("REDIS_SENTINEL_MASTER", "products", "REDIS_SENTINEL_NODES", "s1:26379",
				"REDIS_TLS", "true", "REDIS_TLS_CA_CERT", ca)))
			.containsEntry("spring.data.redis.sentinel.master", "products")
			.containsEntry("spring.data.redis.ssl.bundle", "redis");
	}

	@Test
	void withoutTlsItStopsStartUpNamingBothSettings() {
		String ca = TestTls.caCertificate().toString();
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> translate(Map.of("REDIS_TLS_CA_CERT", ca)))
			.withMessageStartingWith("REDIS_TLS_CA_CERT is set, but REDIS_TLS is not set")
			.satisfies((ex) -> assertThat(ex.variable()).isEqualTo("REDIS_TLS_CA_CERT"));
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> translate(Map.of("REDIS_TLS_CA_CERT", ca, "REDIS_TLS", "false")))
			.withMessageStartingWith("REDIS_TLS_CA_CERT is set, but REDIS_TLS is false");
	}

	@ParameterizedTest(name = "{0}={1}")
	@CsvSource({ "REDIS_URL, redis://:secret@cache:6379, REDIS_URL",
			"REDIS_URL, redis-sentinel://s1:26379#products, REDIS_URL",
			"spring.data.redis.url, redis://cache:6379, spring.data.redis.url",
			"spring.data.redis.ssl.enabled, false, spring.data.redis.ssl.enabled" })
	void aSettingThatTurnsTlsOffContradictsIt(String setting, String value, String named) {
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(
					() -> translate(Map.of(setting, value, "REDIS_TLS_CA_CERT", TestTls.caCertificate().toString())))
			.withMessageStartingWith("REDIS_TLS_CA_CERT is set, but " + named)
			.withMessageNotContaining("secret");
	}

	@Test
	void aBundleOfItsOwnContradictsIt() {
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> translate(Map.of("REDIS_TLS", "true", "REDIS_TLS_CA_CERT",
					TestTls.caCertificate().toString(), "spring.data.redis.ssl.bundle", "mine")))
			.withMessageStartingWith("REDIS_TLS_CA_CERT and spring.data.redis.ssl.bundle are both set");
	}

	@Test
	void aMissingFileStopsStartUpNamingTheVariableAndThePath(@TempDir Path directory) {
		String missing = directory.resolve("no-such-ca.pem").toString();
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> translate(Map.of("REDIS_TLS", "true", "REDIS_TLS_CA_CERT", missing)))
			.withMessage("REDIS_TLS_CA_CERT is '" + missing + "', but there is no such file")
			.satisfies((ex) -> assertThat(ex.variable()).isEqualTo("REDIS_TLS_CA_CERT"))
			.satisfies((ex) -> assertThat(ex.action()).contains("PEM"));
	}

	@Test
	void aDirectoryIsNoCertificate(@TempDir Path directory) {
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> translate(Map.of("REDIS_TLS", "true", "REDIS_TLS_CA_CERT", directory.toString())))
			.withMessageStartingWith("REDIS_TLS_CA_CERT is '" + directory + "', but that is not a file");
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "empty", "not PEM", "a private key only", "a broken certificate" })
	void aFileWithoutAPemCertificateIsRejected(String content, @TempDir Path directory) throws IOException {
		Path file = directory.resolve("ca.pem");
		switch (content) {
			case "empty" -> Files.writeString(file, "");
			case "not PEM" -> Files.writeString(file, "hello");
			case "a private key only" -> Files.copy(TestTls.serverKey(), file);
			default -> Files.writeString(file, "-----BEGIN CERTIFICATE-----\nMIIB\n-----END CERTIFICATE-----\n");
		}
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> translate(Map.of("REDIS_TLS", "true", "REDIS_TLS_CA_CERT", file.toString())))
			.withMessageStartingWith("REDIS_TLS_CA_CERT is '" + file + "', but that file holds no PEM certificate");
	}

	private static Map<String, Object> translate(Map<String, Object> variables) {
		return TranslatedSettings.of(variables);
	}

}
