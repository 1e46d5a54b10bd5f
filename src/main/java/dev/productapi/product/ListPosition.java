package dev.productapi.product;

import java.time.OffsetDateTime;
import java.util.UUID;

/**
 * Where a page of a list ends: the last product's creation time, as the database holds it
 * (text on SQLite, a timestamp on PostgreSQL), and its id. The next page starts right
 * after it, whatever was inserted or deleted meanwhile.
 */
public record ListPosition(Object createdAt, UUID id) {

	public ListPosition {
		if (!(createdAt instanceof String || createdAt instanceof OffsetDateTime)) {
			throw new IllegalArgumentException("Not a creation time: " + createdAt);
		}
	}

}
