package dev.productapi.product;

import dev.productapi.cache.CacheStatus;

/** A product's JSON as stored, its version, and how the cache served it. */
public record VersionedJson(byte[] json, long version, CacheStatus cacheStatus) {
}
