/**
 * {@code Idempotency-Key} for creates: claim a key, create the product, store the
 * response and replay it, and purge expired keys. It uses {@code product}.
 */
package dev.productapi.idempotency;
