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
 * a Sentinel group or a Cluster. Several instances may share that Redis and that
 * database, as instances behind a load balancer do.
 */
public final class ApiUnderTest implements BeforeAllCallback, AfterAllCallback {

	private final String[] settings;

	private Class<?>[] sources = {};

	private int instances = 1;

	private Databases database = Databases.SQLITE;

	private boolean redisAtStart = true;

	private Topology topology = Topology.SINGLE;

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

	@Override
	public void beforeAll(ExtensionContext context) {
		Map<String, String> all = new LinkedHashMap<>();
		switch (this.topology) {
			case SINGLE -> {
				this.redis = new TestRedis();
				if (this.redisAtStart) {
					this.redis.start();
				}
				all.put("REDIS_PORT", String.valueOf(this.redis.port()));
			}
			case SENTINEL -> {
				this.sentinel = TestRedisSentinel.started();
				all.put("REDIS_URL", this.sentinel.uri());
			}
			case CLUSTER -> {
				this.cluster = TestRedisCluster.started();
				all.put("REDIS_CLUSTER_NODES", this.cluster.seedNodes());
			}
		}
		all.putAll(RunningApp.settings(this.database.fresh(), this.settings));
		for (int i = 0; i < this.instances; i++) {
			this.apps.add(RunningApp.start(all, this.sources));
		}
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
