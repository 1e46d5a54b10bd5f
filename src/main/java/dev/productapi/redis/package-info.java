/**
 * Redis connectivity: the connections for the configured topology (one server, a Sentinel
 * group or a Cluster), the wait for replicas after a delete, Lettuce tuned for a cache,
 * and the {@code REDIS_*} settings with their URL forms. It uses {@code config} for
 * reading and checking environment variables, and knows nothing of what the keys hold.
 */
package dev.productapi.redis;
