package dev.productapi.redis;

import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * A {@code REDIS_URL} in one of Lettuce's forms:
 * {@code redis://[user:password@]host:port[/db]}, {@code rediss://...} for TLS, or
 * {@code redis-sentinel://[user:password@]host1:26379,host2:26379[/db]#master} (and
 * {@code rediss-sentinel://}). The password in a Sentinel URL is the Redis servers'
 * password; sentinels with a password of their own take {@code REDIS_SENTINEL_PASSWORD}.
 */
record RedisUrl(boolean tls, boolean sentinel, String username, String password, String hosts, int database,
		String master) {

	private static final Pattern FORM = Pattern
		.compile("(rediss?)(-sentinel)?://(?:([^@/]*)@)?([^/@#?]+)(?:/([0-9]*))?(?:#(.+))?");

	/** The URL's parts, or {@code null} if it is not in one of the forms. */
	static RedisUrl parse(String url) {
		Matcher matcher = FORM.matcher(url);
		if (!matcher.matches()) {
			return null;
		}
		boolean sentinel = matcher.group(2) != null;
		String master = matcher.group(6);
		if (sentinel == (master == null)) {
			// A Sentinel URL must name the master; any other URL must not have a
			// fragment.
			return null;
		}
		String username = null;
		String password = null;
		String userInfo = matcher.group(3);
		if (userInfo != null && !userInfo.isEmpty()) {
			int colon = userInfo.indexOf(':');
			username = (colon > 0) ? decode(userInfo.substring(0, colon)) : null;
			password = decode((colon >= 0) ? userInfo.substring(colon + 1) : userInfo);
		}
		String database = matcher.group(5);
		return new RedisUrl("rediss".equals(matcher.group(1)), sentinel, username, password, matcher.group(4),
				(database == null || database.isEmpty()) ? 0 : Integer.parseInt(database), master);
	}

	private static String decode(String part) {
		return URLDecoder.decode(part, StandardCharsets.UTF_8);
	}

}
