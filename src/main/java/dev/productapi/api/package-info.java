/**
 * HTTP: the product and catalog endpoints, request validation, entity tags, signed list
 * cursors, problem details and the filters in front of them. It asks {@code product} for
 * products and {@code idempotency} for replayable creates, and reads {@code database} for
 * availability and shared secrets; it never touches the cache or Redis.
 */
package dev.productapi.api;
