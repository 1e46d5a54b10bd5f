package dev.productapi.database;

import java.security.SecureRandom;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.HashMap;
import java.util.List;
import java.util.Map;

/**
 * {@link SharedSecrets} without a database, for unit tests: the first request for a name
 * creates its 32 random bytes and every later one returns them, as the table does for all
 * instances of a deployment. Two instances of the API built on one of these share their
 * secrets; built on two of these, they do not.
 */
public final class InMemorySharedSecrets extends SharedSecrets {

	private static final SecureRandom random = new SecureRandom();

	private final Map<String, byte[]> secrets = new HashMap<>();

	private final List<String> requested = new ArrayList<>();

	public InMemorySharedSecrets() {
		super(null);
	}

	@Override
	public synchronized byte[] get(String name) {
		this.requested.add(name);
		byte[] secret = this.secrets.computeIfAbsent(name, (key) -> {
			byte[] created = new byte[32];
			random.nextBytes(created);
			return created;
		});
		return Arrays.copyOf(secret, secret.length);
	}

	/** The names asked for, in order, once per request. */
	public synchronized List<String> requested() {
		return List.copyOf(this.requested);
	}

}
