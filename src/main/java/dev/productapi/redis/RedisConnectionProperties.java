package dev.productapi.redis;

import java.time.Duration;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How the cache's connections wait for replicas and follow a Cluster. Those that
 * operators set come from environment variables ({@code RedisSettings}); the rest are
 * fixed behaviour, with their defaults here.
 *
 * @param replicaAcknowledgementTimeout how long an invalidation waits for the master's
 * replicas to apply its delete before it counts as not yet delivered (from
 * {@code REDIS_REPLICA_ACK_TIMEOUT_MS})
 * @param replicaGrace how long a replica that its master lost is still waited for,
 * because a failover could still promote it (from {@code REDIS_REPLICA_GRACE_SECONDS})
 * @param replicaAcknowledgement whether invalidations wait for replicas at all; off only
 * to demonstrate, in tests, the stale reads a failover causes without it
 * @param clusterRefreshInterval how often the Redis Cluster topology is refreshed, on a
 * timer and at most after a sign of change
 */
@ConfigurationProperties("product-api.redis")
public record RedisConnectionProperties(Duration replicaAcknowledgementTimeout, Duration replicaGrace,
		@DefaultValue("true") boolean replicaAcknowledgement, @DefaultValue("1s") Duration clusterRefreshInterval) {

}
