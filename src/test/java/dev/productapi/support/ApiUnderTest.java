package dev.productapi.support;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * The API under test, started once per test class with a Redis of its own and a fresh
 * database:
 * {@code @RegisterExtension static final ApiUnderTest app = ApiUnderTest.withSettings(...)}.
 * Redis is a single server unless {@link #onSentinel()} or {@link #onCluster()} asks for
 * a Sentinel group or a Cluster, on any of which {@link #withRedisPassword()},
 * {@link #withSentinelPassword()} and {@link #withRedisTls()} protect Redis and give the
 * API what it needs to get in. Several instances may share that Redis and that database,
 * as instances behind a load balancer do; {@link #startInstance} adds one with settings
 * of its own.
 */
public final class ApiUnderTest implements BeforeAllCallback, AfterAllCallback {

	private final String[] settings;

	private Class<?>[] sources = {};

	private int instances = 1;

	private Databases database = Databases.SQLITE;

	private boolean redisAtStart = true;

	private Topology topology = Topology.SINGLE;

	private RedisSecurity security = RedisSecurity.NONE;

	private Map<String, String> appSettings;

	private TestRedis redis;

	private TestRedisSentinel sentinel;

	private TestRedisCluster cluster;

	private final List<RunningApp> apps = new ArrayList<>();

	private ApiUnderTest(String[] settings) {
		this.settings = settings;
	}

	/** Extra settings as name-value pairs, e.g. {@code "CACHE_TTL_SECONDS", "1"}. */
	public static ApiUnderTest withSettings(String... settings) {
		return new ApiUnderTest(settings);
	}

	/**
	 * Test-only configuration classes to add to the application, such as
	 * {@link MissPathGate}.
	 */
	public ApiUnderTest withSources(Class<?>... sources) {
		this.sources = sources;
		return this;
	}

	/** Runs this many instances against the same Redis and database. */
	public ApiUnderTest instances(int count) {
		this.instances = count;
		return this;
	}

	public ApiUnderTest on(Databases database) {
		this.database = database;
		return this;
	}

	/**
	 * Starts the API while its Redis is still down; the test starts Redis with
	 * {@code redis().start()}.
	 */
	public ApiUnderTest withRedisDownAtStart() {
		this.redisAtStart = false;
		return this;
	}

	/** Redis is a Sentinel group: a master, a replica and three sentinels. */
	public ApiUnderTest onSentinel() {
		this.topology = Topology.SENTINEL;
		return this;
	}

	/** Redis is a Cluster of three masters, each with a replica. */
	public ApiUnderTest onCluster() {
		this.topology = Topology.CLUSTER;
		return this;
	}

	/**
	 * Redis requires {@link RedisSecurity#PASSWORD} (every data node of a Sentinel group
	 * or Cluster), and the API is given it as {@code REDIS_PASSWORD}. A test's own
	 * {@code REDIS_PASSWORD} setting wins; a blank one unsets it.
	 */
	public ApiUnderTest withRedisPassword() {
		this.security = this.security.withPassword();
		return this;
	}

	/**
	 * The sentinels require {@link RedisSecurity#SENTINEL_PASSWORD}, given to the API as
	 * {@code REDIS_SENTINEL_PASSWORD}; with {@link #onSentinel()} only.
	 */
	public ApiUnderTest withSentinelPassword() {
		this.security = this.security.withSentinelPassword();
		return this;
	}

	/**
	 * Every Redis process (sentinels included) speaks TLS only, with a certificate of the
	 * test CA ({@link TestTls}). The API is given {@code REDIS_TLS=true} (a
	 * {@code rediss-sentinel://} {@code REDIS_URL} for a Sentinel group) and
	 * {@code REDIS_TLS_CA_CERT}; a blank {@code REDIS_TLS_CA_CERT} setting of the test's
	 * own leaves the API with the JVM's default CAs, which do not trust it.
	 */
	public ApiUnderTest withRedisTls() {
		this.security = this.security.withTls();
		return this;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		if (this.security.sentinelPassword() != null && this.topology != Topology.SENTINEL) {
			throw new IllegalStateException("withSentinelPassword() needs onSentinel()");
		}
		Map<String, String> all = new LinkedHashMap<>();
		switch (this.topology) {
			case SINGLE -> {
				this.redis = new TestRedis(this.security);
				if (this.redisAtStart) {
					this.redis.start();
				}
				all.put("REDIS_PORT", String.valueOf(this.redis.port()));
			}
			case SENTINEL -> {
				this.sentinel = TestRedisSentinel.started(this.security);
				all.put("REDIS_URL", this.sentinel.uri());
			}
			case CLUSTER -> {
				this.cluster = TestRedisCluster.started(this.security);
				all.put("REDIS_CLUSTER_NODES", this.cluster.seedNodes());
			}
		}
		if (this.security.hasPassword()) {
			all.put("REDIS_PASSWORD", this.security.password());
		}
		if (this.security.sentinelPassword() != null) {
			all.put("REDIS_SENTINEL_PASSWORD", this.security.sentinelPassword());
		}
		if (this.security.tls()) {
			if (this.topology != Topology.SENTINEL) {
				all.put("REDIS_TLS", "true");
			}
			all.put("REDIS_TLS_CA_CERT", TestTls.caCertificate().toString());
		}
		all.putAll(RunningApp.settings(this.database.fresh(), this.settings));
		this.appSettings = all;
		for (int i = 0; i < this.instances; i++) {
			this.apps.add(RunningApp.start(all, this.sources));
		}
	}

	/**
	 * Starts one more instance on the same Redis and database, with these name-value
	 * pairs over the class's settings (a blank value unsets one); it is stopped with the
	 * others, after the class.
	 */
	public RunningApp startInstance(String... settings) {
		Map<String, String> all = new LinkedHashMap<>(this.appSettings);
		for (int i = 0; i < settings.length; i += 2) {
			all.put(settings[i], settings[i + 1]);
		}
		RunningApp app = RunningApp.start(all, this.sources);
		this.apps.add(app);
		return app;
	}

	/** What protects Redis: see {@link #withRedisPassword()} and the like. */
	public RedisSecurity security() {
		return this.security;
	}

	@Override
	public void afterAll(ExtensionContext context) {
		this.apps.forEach(RunningApp::close);
		for (AutoCloseable redis : new AutoCloseable[] { this.redis, this.sentinel, this.cluster }) {
			if (redis != null) {
				try {
					redis.close();
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			}
		}
	}

	/** The first instance's HTTP client. */
	public Api api() {
		return app().api();
	}

	/** The first instance. */
	public RunningApp app() {
		return instance(0);
	}

	public RunningApp instance(int index) {
		return this.apps.get(index);
	}

	/** The single Redis server. */
	public TestRedis redis() {
		return this.redis;
	}

	public TestRedisSentinel sentinel() {
		return this.sentinel;
	}

	public TestRedisCluster cluster() {
		return this.cluster;
	}

	private enum Topology {

		SINGLE, SENTINEL, CLUSTER

	}

}
