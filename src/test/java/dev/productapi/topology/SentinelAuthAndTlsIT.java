package dev.productapi.topology;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.productapi.support.ApiUnderTest;
import dev.productapi.support.TestRedisSentinel;

/**
 * A Sentinel group whose data nodes and sentinels each have a password, and one that also
 * speaks TLS only (sentinels included, with a certificate of a private test CA): the API
 * finds the master through the sentinels and caches when it has both passwords and the
 * CA, and serves from the database when it lacks any of them.
 */
@ExtendWith(OutputCaptureExtension.class)
class SentinelAuthAndTlsIT {

	@RegisterExtension
	static final ApiUnderTest withPasswords = ApiUnderTest.withSettings()
		.onSentinel()
		.withRedisPassword()
		.withSentinelPassword();

	@RegisterExtension
	static final ApiUnderTest withTls = ApiUnderTest.withSettings()
		.onSentinel()
		.withRedisPassword()
		.withSentinelPassword()
		.withRedisTls();

	@Test
	void withThePasswordsTheApiCaches() {
		AuthAndTls.cachesAndInvalidates(withPasswords.api(), (key) -> exists(withPasswords.sentinel(), key));
	}

	@Test
	void withAWrongPasswordItServesFromTheDatabase(CapturedOutput output) {
		AuthAndTls.servesFromTheDatabase(withPasswords.startInstance("REDIS_PASSWORD", "wrong"), output, "WRONGPASS");
	}

	@Test
	void withoutThePasswordItServesFromTheDatabase(CapturedOutput output) {
		AuthAndTls.servesFromTheDatabase(withPasswords.startInstance("REDIS_PASSWORD", ""), output, "NOAUTH");
	}

	@Test
	void withAWrongSentinelPasswordItServesFromTheDatabase(CapturedOutput output) {
		AuthAndTls.servesFromTheDatabase(withPasswords.startInstance("REDIS_SENTINEL_PASSWORD", "wrong"), output,
				"WRONGPASS");
	}

	@Test
	void overTlsWithTheCaTheApiCaches() {
		AuthAndTls.cachesAndInvalidates(withTls.api(), (key) -> exists(withTls.sentinel(), key));
	}

	@Test
	void overTlsWithoutTheCaItServesFromTheDatabase(CapturedOutput output) {
		AuthAndTls.servesFromTheDatabase(withTls.startInstance("REDIS_TLS_CA_CERT", ""), output,
				"unable to find valid certification path");
	}

	private static boolean exists(TestRedisSentinel sentinel, String key) {
		return sentinel.master().commands().exists(key) == 1;
	}

}
