package dev.productapi.redis;

import java.net.URI;
import java.net.URISyntaxException;
import java.util.Set;
import java.util.regex.Pattern;

import io.lettuce.core.RedisCredentials;
import io.lettuce.core.RedisURI;

/**
 * A {@code REDIS_URL} in one of Lettuce's forms:
 * {@code redis://[user:password@]host:port[/db]}, {@code rediss://...} for TLS, or
 * {@code redis-sentinel://[user:password@]host1:26379,host2:26379[/db]#master} (and
 * {@code rediss-sentinel://}), as Lettuce's {@link RedisURI#create(URI)} reads it
 * (percent-encoded user and password included). The password in a Sentinel URL is the
 * Redis servers' password; sentinels with a password of their own take
 * {@code REDIS_SENTINEL_PASSWORD}.
 * <p>
 * Lettuce accepts more than these forms; what {@code REDIS_URL} would then say but Spring
 * Boot's {@code spring.data.redis.*} properties, which it becomes, would not honour is
 * refused here: Lettuce's other schemes ({@code redis+ssl://}, {@code redis+tls://},
 * {@code redis-socket://}), query parameters ({@code ?timeout=}, {@code ?database=},
 * {@code ?sentinelMasterId=}, ...), a fragment on a single server's URL (which Lettuce
 * ignores), a database that is not plain digits, and an unencoded {@code @} in the user
 * or password (Lettuce would take the host from after the last one).
 *
 * @param tls whether the scheme is {@code rediss://} or {@code rediss-sentinel://}
 * @param sentinel whether the URL names a Sentinel group
 * @param username the user, decoded, or {@code null}
 * @param password the password, decoded, or {@code null}
 * @param hosts the server's or the sentinels' comma-separated {@code host:port} list, as
 * written, so that {@link RedisSettings} can check that each names its port (Lettuce
 * would give a sentinel without one the default port)
 * @param database the database, 0 if the URL names none
 * @param master the name of the Sentinel group's master, or {@code null}
 */
record RedisUrl(boolean tls, boolean sentinel, String username, String password, String hosts, int database,
		String master) {

	private static final Set<String> SCHEMES = Set.of(RedisURI.URI_SCHEME_REDIS, RedisURI.URI_SCHEME_REDIS_SECURE,
			RedisURI.URI_SCHEME_REDIS_SENTINEL, RedisURI.URI_SCHEME_REDIS_SENTINEL_SECURE);

	/** The path: none, or a database number. */
	private static final Pattern DATABASE_PATH = Pattern.compile("(/[0-9]*)?");

	/** The URL's parts, or {@code null} if it is not in one of the forms. */
	static RedisUrl parse(String url) {
		URI uri;
		RedisURI parsed;
		try {
			uri = new URI(url);
			if (!isInOneOfTheForms(uri)) {
				return null;
			}
			parsed = RedisURI.create(uri);
		}
		catch (URISyntaxException | IllegalArgumentException ex) {
			// Not kept: the message may show the password.
			return null;
		}
		RedisCredentials credentials = parsed.getCredentialsProvider().resolveCredentials().block();
		boolean hasUsername = credentials != null && credentials.hasUsername();
		boolean hasPassword = credentials != null && credentials.hasPassword();
		// After the user and password, as Lettuce finds the hosts.
		String hosts = uri.getRawAuthority().substring(uri.getRawAuthority().indexOf('@') + 1);
		return new RedisUrl(parsed.isSsl(), !parsed.getSentinels().isEmpty(),
				hasUsername ? credentials.getUsername() : null,
				hasPassword ? new String(credentials.getPassword()) : null, hosts, parsed.getDatabase(),
				parsed.getSentinelMasterId());
	}

	/**
	 * Whether the URL has nothing that Lettuce accepts but that the forms do not have.
	 * Lettuce refuses the rest: a Sentinel URL without a master, a missing host, a port
	 * out of range.
	 */
	private static boolean isInOneOfTheForms(URI uri) {
		String authority = uri.getRawAuthority();
		boolean sentinel = RedisURI.URI_SCHEME_REDIS_SENTINEL.equals(uri.getScheme())
				|| RedisURI.URI_SCHEME_REDIS_SENTINEL_SECURE.equals(uri.getScheme());
		return SCHEMES.contains(uri.getScheme()) && authority != null
				&& authority.indexOf('@') == authority.lastIndexOf('@') && uri.getRawQuery() == null
				&& (sentinel || uri.getRawFragment() == null) && DATABASE_PATH.matcher(uri.getRawPath()).matches();
	}

}
