/**
 * The cache protocol: cache-aside reads with leases and single flight
 * ({@code ProductCache}), the Redis commands on product keys ({@code RedisEntries}),
 * invalidation through a durable outbox ({@code CacheInvalidator}), the optional near
 * cache, and the circuit breaker. It reaches Redis only through {@code redis} and uses
 * {@code database} to pause its background work during an outage; it knows nothing of
 * products beyond their ids and JSON bytes.
 */
package dev.productapi.cache;
