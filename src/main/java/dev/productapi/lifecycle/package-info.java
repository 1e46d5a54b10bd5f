/**
 * The application's life around its requests: the warm-up before readiness, the start-up
 * report, and the drain before shutdown. It uses {@code cache} and {@code config}.
 */
package dev.productapi.lifecycle;
