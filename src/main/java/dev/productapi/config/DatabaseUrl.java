package dev.productapi.config;

import java.net.URI;
import java.net.URISyntaxException;
import java.net.URLDecoder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;

/**
 * The database named by {@code DATABASE_URL}, translated into what JDBC needs.
 * <p>
 * Accepts the forms people paste from other tools: {@code jdbc:sqlite:path},
 * {@code sqlite:///path} (SQLAlchemy), {@code jdbc:postgresql://host/db} and
 * {@code postgresql://user:pass@host:port/db} or {@code postgres://...} (libpq, Heroku).
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

	private static DatabaseUrl fromLibpq(String url) {
		URI uri;
		try {
			uri = new URI(url);
		}
		catch (URISyntaxException ex) {
			throw new IllegalArgumentException("not a valid URL: " + ex.getMessage());
		}
		if (uri.getHost() == null || uri.getPath() == null || uri.getPath().length() < 2) {
			throw new IllegalArgumentException(
					"a PostgreSQL URL needs a host and a database, as in postgresql://host:5432/products");
		}
		String hostAndPort = uri.getPort() == -1 ? uri.getHost() : uri.getHost() + ":" + uri.getPort();
		String query = uri.getRawQuery() == null ? "" : "?" + uri.getRawQuery();
		String username = null;
		String password = null;
		if (uri.getRawUserInfo() != null) {
			String[] parts = uri.getRawUserInfo().split(":", 2);
			username = decode(parts[0]);
			password = parts.length == 2 ? decode(parts[1]) : null;
		}
		return new DatabaseUrl("jdbc:postgresql://" + hostAndPort + uri.getRawPath() + query, username, password);
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
