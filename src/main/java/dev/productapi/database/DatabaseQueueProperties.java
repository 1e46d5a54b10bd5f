package dev.productapi.database;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.boot.context.properties.bind.DefaultValue;

/**
 * How requests queue for the database. Both are on in every deployment; they exist to be
 * turned off in tests, to show what each prevents.
 *
 * @param fairQueue whether requests get the pool's connections first come, first served
 * (see {@link FairConnectionQueue})
 * @param singleWriter whether, on SQLite, write transactions begin one at a time, queued
 * in Java rather than in SQLite's busy handler (see {@link SingleWriter})
 */
@ConfigurationProperties("product-api.database")
public record DatabaseQueueProperties(@DefaultValue("true") boolean fairQueue,
		@DefaultValue("true") boolean singleWriter) {

}
