package dev.productapi.config;

/**
 * Every environment variable the API reads, declared once: the Spring property it sets,
 * its default as the README states it, its bounds where it is a number, and what it is
 * for. {@link EnvironmentSettings} and {@code RedisSettings} read them through
 * {@link Variables}, which applies the default and the bounds; a test holds the README's
 * table and {@code .env.example} to this list.
 */
public enum Setting {

	API_PORT("server.port", "8080", 0, 65_535, "HTTP port"),

	API_SHUTDOWN_DRAIN_SECONDS("product-api.shutdown.drain", "5", 0, 300,
			"on shutdown, how long the API still serves with readiness 503"),

	API_WARMUP_SECONDS("product-api.warm-up.limit", "20", 0, 300,
			"at start-up, the longest the API runs its own request path before readiness"),

	API_REQUIRE_IF_MATCH("product-api.require-if-match", "false", "true: PUT and DELETE without If-Match are 428"),

	API_WRITE_TOKEN("product-api.write-token", "none: writes open",
			"bearer token that POST, PUT and DELETE need (16+ characters)"),

	IDEMPOTENCY_KEY_TTL_SECONDS("product-api.idempotency.key-ttl", "86400", 60, 2_592_000,
			"how long an Idempotency-Key replays its first response"),

	DATABASE_URL("spring.datasource.url", DatabaseUrl.DEFAULT, "the database: SQLite or PostgreSQL"),

	DATABASE_USER("spring.datasource.username", "from the URL", "the database user, for URLs that carry none"),

	DATABASE_PASSWORD("spring.datasource.password", "from the URL", "the database password, for URLs that carry none"),

	DATABASE_POOL_SIZE("spring.datasource.hikari.maximum-pool-size", "20", 1, 1000,
			"HikariCP maximum pool size, and the number of threads that run reads outside a transaction"),

	DATABASE_TIMEOUT_MS("spring.datasource.hikari.connection-timeout", "2000", 250, 600_000,
			"the longest a request waits for the database; past it, 503"),

	REDIS_HOST("spring.data.redis.host", "localhost", "one Redis server's host"),

	REDIS_PORT("spring.data.redis.port", "6379", 1, 65_535, "one Redis server's port"),

	REDIS_URL("spring.data.redis.url", "none", "instead of host and port: a redis:// or redis-sentinel:// URL"),

	REDIS_SENTINEL_MASTER("spring.data.redis.sentinel.master", "none", "a Sentinel group's master name"),

	REDIS_SENTINEL_NODES("spring.data.redis.sentinel.nodes", "none", "a Sentinel group's host:port list"),

	REDIS_SENTINEL_PASSWORD("spring.data.redis.sentinel.password", "none", "the sentinels' own password"),

	REDIS_CLUSTER_NODES("spring.data.redis.cluster.nodes", "none", "a Redis Cluster's seed nodes"),

	REDIS_REPLICA_ACK_TIMEOUT_MS("product-api.redis.replica-acknowledgement-timeout", "¼ of REDIS_TIMEOUT_MS", 1,
			60_000, "how long an invalidation waits for the master's replicas"),

	REDIS_REPLICA_GRACE_SECONDS("product-api.redis.replica-grace", "300", 0, 86_400,
			"how long a replica the master lost is still waited for"),

	REDIS_USERNAME("spring.data.redis.username", "none", "Redis ACL user"),

	REDIS_PASSWORD("spring.data.redis.password", "none", "Redis password"),

	REDIS_TLS("spring.data.redis.ssl.enabled", "false", "connect to Redis over TLS"),

	REDIS_TLS_CA_CERT("spring.data.redis.ssl.bundle", "none", "a PEM file with the CA certificate to trust"),

	REDIS_TIMEOUT_MS("spring.data.redis.timeout", "200", 1, 60_000, "the longest a request waits on one Redis command"),

	REDIS_CONNECT_TIMEOUT_MS("spring.data.redis.connect-timeout", "500", 1, 60_000,
			"the longest a (re)connect to Redis may take"),

	CACHE_TTL_SECONDS("product-api.cache.ttl", "3600", 1, Integer.MAX_VALUE, "lifetime of a cached product"),

	CACHE_TTL_JITTER_PERCENT("product-api.cache.ttl-jitter-percent", "10", 0, 50,
			"each entry's TTL is shortened by a random 0 to this %"),

	CACHE_NEGATIVE_TTL_SECONDS("product-api.cache.negative-ttl", "30", 1, Integer.MAX_VALUE,
			"how long \"no such product\" is cached"),

	CACHE_NEAR_ENABLED("product-api.cache.near.enabled", "false", "an in-process cache in front of Redis"),

	CACHE_NEAR_MAX_ENTRIES("product-api.cache.near.max-entries", "10000", 1, 10_000_000,
			"products the near cache keeps per instance"),

	OTEL_EXPORTER_OTLP_ENDPOINT("management.opentelemetry.tracing.export.otlp.endpoint", "none: no tracing",
			"an OTLP/HTTP collector's base URL; spans go to its /v1/traces"),

	TRACING_SAMPLING_PROBABILITY("management.tracing.sampling.probability", "0.1", 0, 1,
			"the share of requests traced, a decimal from 0 to 1"),

	LOG_FORMAT("logging.structured.format.console", "text", "text, or json for one ECS JSON object a line");

	private final String property;

	private final String defaultValue;

	private final Integer min;

	private final Integer max;

	private final String description;

	Setting(String property, String defaultValue, String description) {
		this(property, defaultValue, null, null, description);
	}

	Setting(String property, String defaultValue, Integer min, Integer max, String description) {
		this.property = property;
		this.defaultValue = defaultValue;
		this.min = min;
		this.max = max;
		this.description = description;
	}

	/** The Spring property it sets (for some, the first of several). */
	public String property() {
		return this.property;
	}

	/** The default as documented: a value, or words such as "none" or "from the URL". */
	public String defaultValue() {
		return this.defaultValue;
	}

	/**
	 * The smallest value allowed (for a decimal, too), or {@code null} for a setting that
	 * is not a number.
	 */
	public Integer min() {
		return this.min;
	}

	/** The largest value allowed, or {@code null} for a setting that is not a number. */
	public Integer max() {
		return this.max;
	}

	public String description() {
		return this.description;
	}

}
