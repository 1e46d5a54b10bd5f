/**
 * Products: the record and its JSON, the repository ({@code JdbcClient}: versioned
 * conditional writes, keyset pages), seeding, and {@code ProductService}, which reads
 * through {@code cache} and writes to the database first, then invalidates. It uses
 * {@code cache} and {@code database}, and nothing above them.
 */
package dev.productapi.product;
