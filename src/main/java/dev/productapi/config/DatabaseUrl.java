package dev.productapi.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.util.List;

/**
 * The database named by {@code DATABASE_URL}, translated into what JDBC needs.
 * <p>
 * Accepts the forms people paste from other tools: {@code jdbc:sqlite:path},
 * {@code sqlite:///path} (SQLAlchemy), {@code jdbc:postgresql://host/db} and
 * {@code postgresql://user:pass@host:port/db} or {@code postgres://...} (libpq, Heroku),
 * each also with a list of hosts for failover ({@code host1:5432,host2:5432}).
 * Credentials embedded in a libpq-style URL are moved out of the JDBC URL, because the
 * PostgreSQL driver does not read them from there.
 */
public record DatabaseUrl(String jdbcUrl, String username, String password) {

	public static final String DEFAULT = "jdbc:sqlite:./data/products.db";

	public static DatabaseUrl parse(String url) {
		if (url.startsWith("jdbc:sqlite:") || url.startsWith("jdbc:postgresql:")) {
			return new DatabaseUrl(url, null, null);
		}
		if (url.startsWith("sqlite:///")) {
			return new DatabaseUrl("jdbc:sqlite:" + url.substring("sqlite:///".length()), null, null);
		}
		if (url.startsWith("postgresql://") || url.startsWith("postgres://")) {
			return fromLibpq(url);
		}
		throw new IllegalArgumentException(
				"expected jdbc:sqlite:<file>, sqlite:///<file>, jdbc:postgresql://... or postgresql://user:password@host:port/database");
	}

	/**
	 * {@code postgresql://[user[:password]@]host[:port][,host[:port]...]/database[?...]}.
	 * Several hosts are pgjdbc's failover list, tried in order; with
	 * {@code targetServerType=primary} it connects only to the one that accepts writes.
	 * {@link URI} cannot parse a host list, so the authority is split by hand and each
	 * host checked on its own.
	 */
	private static DatabaseUrl fromLibpq(String url) {
		String rest = url.substring(url.indexOf("://") + 3);
		int slash = rest.indexOf('/');
		String authority = (slash == -1) ? rest : rest.substring(0, slash);
		String pathAndQuery = (slash == -1) ? "" : rest.substring(slash);
		int at = authority.lastIndexOf('@');
		List<String> hosts = List.of(authority.substring(at + 1).split(",", -1));
		String database = pathAndQuery.split("\\?", 2)[0];
		if (hosts.stream().anyMatch((host) -> !isHostAndPort(host)) || database.length() < 2) {
			throw new IllegalArgumentException("a PostgreSQL URL needs a host and a database, as in "
					+ "postgresql://host:5432/products or postgresql://host1:5432,host2:5432/products");
		}
		String username = null;
		String password = null;
		if (at != -1) {
			String[] parts = authority.substring(0, at).split(":", 2);
			username = decode(parts[0]);
			password = (parts.length == 2) ? decode(parts[1]) : null;
		}
		return new DatabaseUrl("jdbc:postgresql://" + String.join(",", hosts) + pathAndQuery, username, password);
	}

	private static boolean isHostAndPort(String host) {
		try {
			URI uri = new URI("postgresql://" + host);
			return uri.getHost() != null && uri.getRawPath().isEmpty() && uri.getRawUserInfo() == null;
		}
		catch (URISyntaxException ex) {
			return false;
		}
	}

	private static String decode(String part) {
		return URLDecoder.decode(part, StandardCharsets.UTF_8);
	}

	public boolean isSqlite() {
		return this.jdbcUrl.startsWith("jdbc:sqlite:");
	}

	/**
	 * The file of an SQLite database, or {@code null} for an in-memory one or another
	 * database.
	 */
	public Path sqliteFile() {
		if (!isSqlite()) {
			return null;
		}
		String location = this.jdbcUrl.substring("jdbc:sqlite:".length());
		int query = location.indexOf('?');
		location = query == -1 ? location : location.substring(0, query);
		if (location.isEmpty() || location.startsWith(":memory:") || location.startsWith("file:")) {
			return null;
		}
		return Path.of(location);
	}

	/** Safe to log: never contains the password. */
	public String describe() {
		String url = this.jdbcUrl.replaceAll("password=[^&]*", "password=***");
		return this.username == null ? url : url + " as " + this.username;
	}

}
