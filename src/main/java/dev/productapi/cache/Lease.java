package dev.productapi.cache;

import java.nio.charset.StandardCharsets;
import java.util.UUID;

/**
 * The right to fill one key, after the leases of "Scaling Memcache at Facebook" (NSDI
 * 2013).
 * <p>
 * A reader that misses stores a unique token at the key ({@code SET NX}) before it reads
 * the database, and later replaces the token with the value only if the token is still
 * there. A write deletes the key after committing, and with it any token, so a reader
 * that read the database before that commit can no longer store what it read.
 */
record Lease(byte[] token) {

	static final byte MARKER = '~';

	static Lease create() {
		return new Lease(("~lease:" + UUID.randomUUID()).getBytes(StandardCharsets.US_ASCII));
	}

}
