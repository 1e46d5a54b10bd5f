/**
 * The database as a dependency: whether it is available (503s, one warning per outage,
 * the probe, health and metrics), which failures mean "unavailable", a transaction
 * manager that keeps the real failure when a rollback fails and, on SQLite, lets one
 * writer at a time begin, platform threads for the reads outside a transaction, and
 * secrets shared by every instance through it. It uses no other package of the
 * application.
 */
package dev.productapi.database;
