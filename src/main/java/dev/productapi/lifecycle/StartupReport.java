package dev.productapi.lifecycle;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.boot.context.event.ApplicationReadyEvent;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.jdbc.DataSourceUnwrapper;
import org.springframework.context.event.EventListener;
import org.springframework.stereotype.Component;

import dev.productapi.cache.CacheProperties;
import dev.productapi.cache.ProductCache;
import dev.productapi.config.DatabaseUrl;

/**
 * Says once, at start-up, what the API is connected to, and warns loudly when Redis is
 * not there, so "it runs but nothing is cached" is never a silent state.
 */
@Component
class StartupReport {

	private static final Logger logger = LoggerFactory.getLogger(StartupReport.class);

	private final DataSource dataSource;

	private final DataRedisProperties redis;

	private final CacheProperties cache;

	private final ProductCache productCache;

	StartupReport(DataSource dataSource, DataRedisProperties redis, CacheProperties cache, ProductCache productCache) {
		this.dataSource = dataSource;
		this.redis = redis;
		this.cache = cache;
		this.productCache = productCache;
	}

	@EventListener(ApplicationReadyEvent.class)
	void report() {
		HikariDataSource hikari = DataSourceUnwrapper.unwrap(this.dataSource, HikariDataSource.class);
		String database = (hikari != null) ? new DatabaseUrl(hikari.getJdbcUrl(), hikari.getUsername(), null).describe()
				: "(custom data source)";
		String redisAddress = describe(this.redis);
		logger.info("Database: {}; Redis: {}{} (command timeout {} ms); cache TTL {} s", database, redisAddress,
				tls(this.redis), this.redis.getTimeout().toMillis(), this.cache.ttl().toSeconds());
		if (!this.productCache.ping()) {
			logger.warn("""

					*** Redis ({}) is not reachable. The API is serving from the database only, \
					and will start caching by itself as soon as Redis is up. ***
					""", redisAddress);
		}
	}

	/** Whether the connections use TLS, and which certificates they trust. */
	static String tls(DataRedisProperties redis) {
		if (!redis.getSsl().isEnabled() && (redis.getUrl() == null || !redis.getUrl().startsWith("rediss://"))) {
			return "";
		}
		String bundle = redis.getSsl().getBundle();
		return (bundle != null) ? " over TLS, trusting SSL bundle '" + bundle + "'"
				: " over TLS, trusting the JVM's CAs";
	}

	/** Where Redis is, safe to log: never a password. */
	static String describe(DataRedisProperties redis) {
		if (redis.getSentinel() != null && redis.getSentinel().getMaster() != null) {
			return "the master of Sentinel group '" + redis.getSentinel().getMaster() + "' at "
					+ String.join(",", redis.getSentinel().getNodes());
		}
		if (redis.getCluster() != null && redis.getCluster().getNodes() != null) {
			return "Cluster with seed nodes " + String.join(",", redis.getCluster().getNodes());
		}
		if (redis.getUrl() != null) {
			return redis.getUrl().replaceAll("//[^@/]*@", "//***@");
		}
		return redis.getHost() + ":" + redis.getPort();
	}

}
