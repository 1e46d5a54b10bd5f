package dev.productapi.database;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How requests queue for the database.
 *
 * @param singleWriter whether, on SQLite, write transactions begin one at a time, queued
 * in Java rather than in SQLite's busy handler (see {@link SingleWriter}); on in every
 * deployment, off only to demonstrate, in tests, what it prevents
 * @param readThreads whether reads outside a transaction run on platform threads of their
 * own (see {@link DatabaseThreads}); likewise on in every deployment, off only in tests
 */
@ConfigurationProperties("product-api.database")
public record DatabaseQueueProperties(@DefaultValue("true") boolean singleWriter,
		@DefaultValue("true") boolean readThreads) {

}
