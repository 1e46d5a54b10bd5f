/**
 * Spans for the steps of the cache protocol, beside the HTTP server span Spring makes:
 * {@code TracedSteps} starts them only within a sampled trace, so that they cost nothing
 * otherwise.
 */
package dev.productapi.tracing;
