package dev.productapi.redis;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.InvalidPathException;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import org.springframework.boot.EnvironmentPostProcessor;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.ssl.pem.PemContent;
import org.springframework.core.env.ConfigurableEnvironment;

import dev.productapi.config.EnvironmentSettings;
import dev.productapi.config.InvalidSettingException;
import dev.productapi.config.Setting;
import dev.productapi.config.Variables;

/**
 * Where Redis is, from the environment: one server ({@code REDIS_HOST}/{@code REDIS_PORT}
 * or a {@code redis://} {@code REDIS_URL}), a Sentinel group ({@code REDIS_SENTINEL_*} or
 * a {@code redis-sentinel://} {@code REDIS_URL}) or a Cluster
 * ({@code REDIS_CLUSTER_NODES}). Each becomes Spring Boot's {@code spring.data.redis.*}
 * properties, which Spring's own names can set directly too.
 * <p>
 * Exactly one way of naming Redis may be used. Two of them, in either form, contradict
 * each other, and a setting that the cache would not honour (static master/replica,
 * replica reads, a database other than 0 on a Cluster, the Jedis client) stops start-up
 * rather than being ignored.
 */
public class RedisSettings implements EnvironmentPostProcessor {

	static final String PROPERTY_SOURCE_NAME = "productApiRedisSettings";

	private static final String SPRING = "spring.data.redis.";

	private static final String CA_CERT = "REDIS_TLS_CA_CERT";

	/** The name of the SSL bundle that {@code REDIS_TLS_CA_CERT} becomes. */
	static final String SSL_BUNDLE = "redis";

	@Override
	public void postProcessEnvironment(ConfigurableEnvironment environment, SpringApplication application) {
		try {
			EnvironmentSettings.addBelowTheEnvironment(environment, PROPERTY_SOURCE_NAME,
					translate(new Variables(environment)));
		}
		catch (InvalidSettingException ex) {
			EnvironmentSettings.reportOnceLoggingIsSetUp(application, ex);
		}
	}

	static Map<String, Object> translate(Variables env) {
		Map<String, Object> properties = new LinkedHashMap<>();
		refuseWhatTheCacheCannotHonour(env);
		String where = whereRedisIs(env);
		String url = env.text("REDIS_URL", null);
		if (url != null) {
			translateUrl(url, env, properties);
		}
		if (env.text("REDIS_HOST", null) != null) {
			properties.put(SPRING + "host", env.text("REDIS_HOST", null));
		}
		if (env.text("REDIS_PORT", null) != null) {
			properties.put(SPRING + "port", env.integer(Setting.REDIS_PORT));
		}
		translateSentinel(env, properties);
		String clusterNodes = env.text("REDIS_CLUSTER_NODES", null);
		if (clusterNodes != null) {
			properties.put(SPRING + "cluster.nodes", nodes("REDIS_CLUSTER_NODES", clusterNodes));
		}
		if (where.equals("REDIS_CLUSTER_NODES") || where.startsWith(SPRING + "cluster.")) {
			refuseDatabaseOnCluster(env, where);
		}
		EnvironmentSettings.putIfSet(properties, SPRING + "username", env.text("REDIS_USERNAME", null));
		EnvironmentSettings.putIfSet(properties, SPRING + "password", env.text("REDIS_PASSWORD", null));
		if (env.text("REDIS_TLS", null) != null) {
			properties.put(SPRING + "ssl.enabled", env.bool(Setting.REDIS_TLS));
		}
		translateCaCertificate(env, properties);
		int timeout = env.integer(Setting.REDIS_TIMEOUT_MS);
		properties.put(SPRING + "timeout", timeout + "ms");
		properties.put(SPRING + "connect-timeout", env.integer(Setting.REDIS_CONNECT_TIMEOUT_MS) + "ms");
		// A quarter of the command timeout by default: 50 ms of the default 200.
		int acknowledgement = env.integer(Setting.REDIS_REPLICA_ACK_TIMEOUT_MS, Math.max(1, timeout / 4));
		if (acknowledgement >= timeout) {
			throw InvalidSettingException.unusable("REDIS_REPLICA_ACK_TIMEOUT_MS",
					"is " + acknowledgement + " ms, but must be shorter than REDIS_TIMEOUT_MS, " + timeout
							+ " ms: the wait for replicas is one Redis command",
					"Lower REDIS_REPLICA_ACK_TIMEOUT_MS or raise REDIS_TIMEOUT_MS.");
		}
		properties.put("product-api.redis.replica-acknowledgement-timeout", acknowledgement + "ms");
		// Sentinel and Cluster may promote a replica cut off for up to ten times their
		// failure detection time: 10 x 30 s with Sentinel's default
		// down-after-milliseconds.
		properties.put("product-api.redis.replica-grace", env.integer(Setting.REDIS_REPLICA_GRACE_SECONDS) + "s");
		return properties;
	}

	/** The one setting that says where Redis is ("" for the default, localhost:6379). */
	private static String whereRedisIs(Variables env) {
		List<String> ways = new ArrayList<>();
		addIfSet(ways, env, "REDIS_URL");
		addIfSet(ways, env, "REDIS_HOST", "REDIS_PORT");
		addIfSet(ways, env, "REDIS_SENTINEL_MASTER", "REDIS_SENTINEL_NODES");
		addIfSet(ways, env, "REDIS_CLUSTER_NODES");
		addIfSet(ways, env, SPRING + "url");
		addIfSet(ways, env, SPRING + "host", SPRING + "port");
		addIfSet(ways, env, SPRING + "sentinel.master", SPRING + "sentinel.nodes", SPRING + "sentinel.nodes[0]");
		addIfSet(ways, env, SPRING + "cluster.nodes", SPRING + "cluster.nodes[0]");
		if (ways.size() > 1) {
			throw InvalidSettingException.conflict(ways.get(0), ways.get(1),
					"each says where Redis is: a server, a Sentinel group or a Cluster");
		}
		return ways.isEmpty() ? "" : ways.getFirst();
	}

	/**
	 * Adds the first of the names that is set, as the name of that way of saying where
	 * Redis is.
	 */
	private static void addIfSet(List<String> ways, Variables env, String... names) {
		Arrays.stream(names)
			.filter((name) -> name.startsWith(SPRING) ? env.isSet(name) : env.text(name, null) != null)
			.findFirst()
			.ifPresent(ways::add);
	}

	private static void translateUrl(String url, Variables env, Map<String, Object> properties) {
		RedisUrl parsed = RedisUrl.parse(url);
		if (parsed == null) {
			throw InvalidSettingException.badValue("REDIS_URL", url,
					"a redis://, rediss://, redis-sentinel:// or rediss-sentinel:// URL with a host, as in "
							+ "redis://:password@cache:6379/0 or redis-sentinel://host1:26379,host2:26379#mymaster",
					"localhost:6379");
		}
		if (parsed.password() != null && env.text("REDIS_PASSWORD", null) != null) {
			throw InvalidSettingException.conflict("REDIS_URL", "REDIS_PASSWORD",
					"the URL carries a password of its own");
		}
		if (env.text("REDIS_TLS", null) != null && env.bool("REDIS_TLS", false) != parsed.tls()) {
			throw InvalidSettingException.conflict("REDIS_URL", "REDIS_TLS",
					"the URL's scheme says whether to use TLS (rediss:// does, redis:// does not)");
		}
		if (!parsed.sentinel()) {
			properties.put(SPRING + "url", url);
			return;
		}
		properties.put(SPRING + "sentinel.master", parsed.master());
		properties.put(SPRING + "sentinel.nodes", nodes("REDIS_URL", parsed.hosts()));
		properties.put(SPRING + "database", parsed.database());
		properties.put(SPRING + "ssl.enabled", parsed.tls());
		EnvironmentSettings.putIfSet(properties, SPRING + "username", parsed.username());
		EnvironmentSettings.putIfSet(properties, SPRING + "password", parsed.password());
	}

	private static void translateSentinel(Variables env, Map<String, Object> properties) {
		String master = env.text("REDIS_SENTINEL_MASTER", null);
		String nodes = env.text("REDIS_SENTINEL_NODES", null);
		if ((master == null) != (nodes == null)) {
			String missing = (master == null) ? "REDIS_SENTINEL_MASTER" : "REDIS_SENTINEL_NODES";
			String set = (master == null) ? "REDIS_SENTINEL_NODES" : "REDIS_SENTINEL_MASTER";
			throw InvalidSettingException.unusable(set, "is set, but " + missing + " is not: a Sentinel group "
					+ "needs the master's name and the sentinels' addresses", "Set both, or neither.");
		}
		if (master != null) {
			properties.put(SPRING + "sentinel.master", master);
			properties.put(SPRING + "sentinel.nodes", nodes("REDIS_SENTINEL_NODES", nodes));
		}
		String password = env.text("REDIS_SENTINEL_PASSWORD", null);
		if (password != null) {
			boolean sentinel = properties.containsKey(SPRING + "sentinel.master")
					|| env.isSet(SPRING + "sentinel.master");
			if (!sentinel) {
				throw InvalidSettingException.unusable("REDIS_SENTINEL_PASSWORD",
						"is set, but no Sentinel group is: it is the sentinels' own password",
						"Set REDIS_SENTINEL_MASTER and REDIS_SENTINEL_NODES, or unset REDIS_SENTINEL_PASSWORD.");
			}
			properties.put(SPRING + "sentinel.password", password);
		}
	}

	/**
	 * {@code REDIS_TLS_CA_CERT}: the CA certificate (PEM) to trust for Redis's TLS
	 * certificate instead of the JVM's default CAs, as Spring Boot's SSL bundle
	 * {@value #SSL_BUNDLE}. Spring Boot hands the bundle's trust manager to Lettuce,
	 * which uses it for every connection: the server, the sentinels and the master they
	 * name, and every Cluster node.
	 */
	private static void translateCaCertificate(Variables env, Map<String, Object> properties) {
		String value = env.text(CA_CERT, null);
		if (value == null) {
			return;
		}
		refuseWithoutTls(env, properties);
		if (env.isSet(SPRING + "ssl.bundle")) {
			throw InvalidSettingException.conflict(CA_CERT, SPRING + "ssl.bundle",
					"each says which certificates to trust for Redis");
		}
		Path file = caCertificateFile(value);
		properties.put("spring.ssl.bundle.pem." + SSL_BUNDLE + ".truststore.certificate", file.toUri().toString());
		properties.put(SPRING + "ssl.bundle", SSL_BUNDLE);
		properties.put(SPRING + "ssl.enabled", true);
	}

	/** Refuses the CA certificate when TLS is off: it is used only over TLS. */
	private static void refuseWithoutTls(Variables env, Map<String, Object> properties) {
		String url = (String) properties.get(SPRING + "url");
		if (url == null && env.text("REDIS_URL", null) == null) {
			url = env.text(SPRING + "url", null);
		}
		boolean tls = Boolean.TRUE.equals(properties.get(SPRING + "ssl.enabled"))
				|| (url != null && url.startsWith("rediss://"));
		String springSsl = env.text(SPRING + "ssl.enabled", null);
		if (springSsl != null) {
			tls = Boolean.parseBoolean(springSsl);
		}
		if (tls) {
			return;
		}
		String action = "Turn TLS on, or unset " + CA_CERT + ".";
		if (springSsl != null) {
			throw InvalidSettingException.unusable(CA_CERT,
					"is set, but " + SPRING + "ssl.enabled is false: the CA certificate is used only over TLS", action);
		}
		if (env.text("REDIS_URL", null) != null) {
			throw InvalidSettingException.unusable(CA_CERT, "is set, but REDIS_URL's scheme does not use TLS: the "
					+ "CA certificate is used only over TLS (rediss:// or rediss-sentinel://)", action);
		}
		if (url != null) {
			throw InvalidSettingException.unusable(CA_CERT,
					"is set, but " + SPRING
							+ "url's scheme does not use TLS: the CA certificate is used only over TLS (rediss://)",
					action);
		}
		throw InvalidSettingException.unusable(CA_CERT,
				"is set, but REDIS_TLS is " + ((env.text("REDIS_TLS", null) != null) ? "false" : "not set")
						+ ": the CA certificate is used only over TLS",
				"Set REDIS_TLS=true, or unset " + CA_CERT + ".");
	}

	/**
	 * The file, checked at start-up, rather than failing every connection to Redis later.
	 */
	private static Path caCertificateFile(String value) {
		String action = "Set " + CA_CERT + " to the path of the PEM file with the certificate of the CA that "
				+ "signed Redis's certificate, or unset it to trust the JVM's default CAs.";
		Path file;
		try {
			file = Path.of(value).toAbsolutePath().normalize();
		}
		catch (InvalidPathException ex) {
			throw InvalidSettingException.unusable(CA_CERT, "is '" + value + "', which is not a file path", action);
		}
		if (!Files.exists(file)) {
			throw InvalidSettingException.unusable(CA_CERT, "is '" + value + "', but there is no such file", action);
		}
		if (!Files.isRegularFile(file) || !Files.isReadable(file)) {
			throw InvalidSettingException.unusable(CA_CERT,
					"is '" + value + "', but that is not a file this process can read", action);
		}
		try {
			PemContent.load(file).getCertificates();
		}
		catch (IOException | RuntimeException ex) {
			throw InvalidSettingException.unusable(CA_CERT,
					"is '" + value + "', but that file holds no PEM certificate (" + ex.getMessage() + ")", action);
		}
		return file;
	}

	/** Checks a comma-separated list of host:port pairs. */
	private static String nodes(String variable, String value) {
		for (String node : value.split(",")) {
			String trimmed = node.trim();
			int colon = trimmed.lastIndexOf(':');
			boolean valid = colon > 0 && trimmed.substring(colon + 1).matches("[0-9]{1,5}")
					&& Integer.parseInt(trimmed.substring(colon + 1)) <= Setting.REDIS_PORT.max()
					&& Integer.parseInt(trimmed.substring(colon + 1)) > 0;
			if (!valid) {
				throw InvalidSettingException.badValue(variable, value,
						"a comma-separated list of host:port pairs, as in redis1:6379,redis2:6379", "none");
			}
		}
		return Arrays.stream(value.split(",")).map(String::trim).collect(Collectors.joining(","));
	}

	private static void refuseDatabaseOnCluster(Variables env, String where) {
		if (env.isSet(SPRING + "database") && !"0".equals(env.text(SPRING + "database", "0"))) {
			throw InvalidSettingException.conflict(where, SPRING + "database", "a Redis Cluster has only database 0");
		}
	}

	private static void refuseWhatTheCacheCannotHonour(Variables env) {
		if (env.isSet(SPRING + "masterreplica.nodes") || env.isSet(SPRING + "masterreplica.nodes[0]")) {
			throw InvalidSettingException.unusable(SPRING + "masterreplica.nodes",
					"is not supported: with a static master and replicas nothing promotes a replica when the "
							+ "master fails",
					"Use a Sentinel group (REDIS_SENTINEL_MASTER, REDIS_SENTINEL_NODES) or a Cluster "
							+ "(REDIS_CLUSTER_NODES).");
		}
		if (env.isSet(SPRING + "lettuce.read-from")) {
			throw InvalidSettingException.unusable(SPRING + "lettuce.read-from",
					"is not honoured: the cache reads from masters only, because a replica may still hold a "
							+ "value that a write has already deleted on the master",
					"Unset it.");
		}
		String client = env.text(SPRING + "client-type", "lettuce");
		if (!"lettuce".equalsIgnoreCase(client)) {
			throw InvalidSettingException.unusable(SPRING + "client-type",
					"is '" + client + "', but the cache is built on Lettuce", "Unset it.");
		}
	}

}
