package dev.productapi.topology;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;

import dev.productapi.support.ApiUnderTest;
import dev.productapi.support.TestRedis;

/**
 * One Redis server with a password, and one with a password and TLS (a certificate of a
 * private test CA): the API caches when it has the password and the CA, and serves from
 * the database when it lacks either.
 */
@ExtendWith(OutputCaptureExtension.class)
class SingleServerAuthAndTlsIT {

	@RegisterExtension
	static final ApiUnderTest withPassword = ApiUnderTest.withSettings().withRedisPassword();

	@RegisterExtension
	static final ApiUnderTest withTls = ApiUnderTest.withSettings().withRedisPassword().withRedisTls();

	@Test
	void withThePasswordTheApiCaches() {
		AuthAndTls.cachesAndInvalidates(withPassword.api(), (key) -> exists(withPassword.redis(), key));
	}

	@Test
	void withAWrongPasswordItServesFromTheDatabase(CapturedOutput output) {
		AuthAndTls.servesFromTheDatabase(withPassword.startInstance("REDIS_PASSWORD", "wrong"), output, "WRONGPASS");
	}

	@Test
	void withoutThePasswordItServesFromTheDatabase(CapturedOutput output) {
		AuthAndTls.servesFromTheDatabase(withPassword.startInstance("REDIS_PASSWORD", ""), output, "NOAUTH");
	}

	@Test
	void overTlsWithTheCaTheApiCaches() {
		AuthAndTls.cachesAndInvalidates(withTls.api(), (key) -> exists(withTls.redis(), key));
	}

	@Test
	void overTlsWithoutTheCaItServesFromTheDatabase(CapturedOutput output) {
		AuthAndTls.servesFromTheDatabase(withTls.startInstance("REDIS_TLS_CA_CERT", ""), output,
				"unable to find valid certification path");
	}

	private static boolean exists(TestRedis redis, String key) {
		return redis.commands().exists(key) == 1;
	}

}
