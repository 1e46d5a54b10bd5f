package dev.productapi.redis;

import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import dev.productapi.config.InvalidSettingException;
import dev.productapi.support.TranslatedSettings;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * {@code REDIS_URL}'s forms, as Lettuce reads them, and what Lettuce would accept but the
 * forms do not have.
 */
class RedisUrlTest {

	@Test
	void aServer() {
		assertThat(RedisUrl.parse("redis://cache:6379"))
			.isEqualTo(new RedisUrl(false, false, null, null, "cache:6379", 0, null));
	}

	@Test
	void aServerWithoutAPortOrWithAnEmptyPath() {
		assertThat(RedisUrl.parse("redis://cache").hosts()).isEqualTo("cache");
		assertThat(RedisUrl.parse("redis://cache:6379/").database()).isZero();
	}

	@Test
	void aServerOverTlsWithAUserAPasswordAndADatabase() {
		assertThat(RedisUrl.parse("rediss://app:secret@cache:6380/2"))
			.isEqualTo(new RedisUrl(true, false, "app", "secret", "cache:6380", 2, null));
	}

	@Test
	void aPasswordWithoutAUser() {
		assertThat(RedisUrl.parse("redis://:secret@cache:6379"))
			.isEqualTo(new RedisUrl(false, false, null, "secret", "cache:6379", 0, null));
	}

	@Test
	void aLoneUserInfoIsThePassword() {
		assertThat(RedisUrl.parse("redis://secret@cache:6379").password()).isEqualTo("secret");
		assertThat(RedisUrl.parse("redis://secret@cache:6379").username()).isNull();
	}

	@Test
	void anEmptyUserInfoIsNoPassword() {
		assertThat(RedisUrl.parse("redis://@cache:6379").password()).isNull();
		assertThat(RedisUrl.parse("redis://:@cache:6379").password()).isNull();
	}

	@Test
	void theUserAndThePasswordArePercentDecoded() {
		RedisUrl url = RedisUrl.parse("redis://app%2Done:s%40cret%3A%2F%23%3F%25@cache:6379");

		assertThat(url.username()).isEqualTo("app-one");
		assertThat(url.password()).isEqualTo("s@cret:/#?%");
	}

	@Test
	void aPlusInThePasswordIsAPlus() {
		assertThat(RedisUrl.parse("redis://:s+cret@cache:6379").password()).isEqualTo("s+cret");
	}

	@Test
	void anIpv6Server() {
		assertThat(RedisUrl.parse("redis://[::1]:6379").hosts()).isEqualTo("[::1]:6379");
	}

	@Test
	void aSentinelGroup() {
		assertThat(RedisUrl.parse("redis-sentinel://s1:26379,s2:26380/3#products"))
			.isEqualTo(new RedisUrl(false, true, null, null, "s1:26379,s2:26380", 3, "products"));
	}

	@Test
	void aSentinelGroupOverTlsWithTheServersPassword() {
		assertThat(RedisUrl.parse("rediss-sentinel://s%40cret@s1:26379,s2:26380/3#products"))
			.isEqualTo(new RedisUrl(true, true, null, "s@cret", "s1:26379,s2:26380", 3, "products"));
	}

	@Test
	void aSentinelGroupWithAUser() {
		assertThat(RedisUrl.parse("redis-sentinel://app:secret@s1:26379#products"))
			.isEqualTo(new RedisUrl(false, true, "app", "secret", "s1:26379", 0, "products"));
	}

	@Test
	void aSentinelsHostsAreKeptAsWrittenForRedisSettingsToCheck() {
		// Lettuce would give s1 the default port; REDIS_URL's sentinels must name theirs.
		assertThat(RedisUrl.parse("redis-sentinel://s1#products").hosts()).isEqualTo("s1");
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "http://cache:6379", "REDIS://cache:6379", "redis+ssl://cache:6379",
			"redis+tls://cache:6379", "redis-socket:///tmp/redis.sock", "redis+socket:///tmp/redis.sock" })
	void anotherSchemeIsRefused(String url) {
		assertThat(RedisUrl.parse(url)).isNull();
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "redis-sentinel://s1:26379", "redis-sentinel://s1:26379#",
			"redis-sentinel://s1:26379?sentinelMasterId=products", "rediss-sentinel://:secret@s1:26379/0" })
	void aSentinelUrlWithoutAMasterIsRefused(String url) {
		assertThat(RedisUrl.parse(url)).isNull();
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "redis://cache:6379#master", "redis://cache:6379/0#master", "redis://cache:6379#",
			"rediss://:secret@cache:6379#master" })
	void aFragmentOnAServersUrlIsRefused(String url) {
		assertThat(RedisUrl.parse(url)).isNull();
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "redis://cache:6379?timeout=5s", "redis://cache:6379/0?database=2",
			"redis://cache:6379?clientName=api", "redis://cache:6379?verifyPeer=NONE", "redis://cache:6379?",
			"redis-sentinel://s1:26379?timeout=5s#products", "redis-sentinel://s1:26379/0?database=2#products" })
	void queryParametersAreRefused(String url) {
		assertThat(RedisUrl.parse(url)).isNull();
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "redis://cache:6379/db", "redis://cache:6379/+2", "redis://cache:6379/-1",
			"redis://cache:6379/2/", "redis://cache:6379/99999999999", "redis-sentinel://s1:26379/x#products" })
	void aDatabaseThatIsNotANumberIsRefused(String url) {
		assertThat(RedisUrl.parse(url)).isNull();
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "redis://", "redis:cache", "redis:///0", "redis://:secret@/0", "redis://:secret@",
			"redis://cache:99999", "redis://ca che:6379", "redis-sentinel://#products" })
	void aUrlWithoutAUsableHostIsRefused(String url) {
		assertThat(RedisUrl.parse(url)).isNull();
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "redis://:s@cret@cache:6379", "redis-sentinel://:s@cret@s1:26379#products",
			"redis://:50%off@cache:6379", "redis://:s#cret@cache:6379", "redis://:s?cret@cache:6379",
			"redis-sentinel://:s#cret@s1:26379#products" })
	void aPasswordThatIsNotPercentEncodedIsRefused(String url) {
		assertThat(RedisUrl.parse(url)).isNull();
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "redis://:s3cr3t-pw@cache:6379?timeout=5s", "redis://:s3cr3t-pw@cache:6379#master",
			"redis-sentinel://:s3cr3t-pw@s1:26379", "redis://:s3cr3t-pw%zz@cache:6379",
			"redis://:s3cr3t-pw@cache:6379/99999999999" })
	void aRefusalNamesRedisUrlButNeverShowsThePassword(String url) {
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> TranslatedSettings.of(Map.of("REDIS_URL", url)))
			.withMessageStartingWith("REDIS_URL")
			.withMessageNotContaining("s3cr3t");
	}

}
