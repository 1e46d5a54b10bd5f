package dev.productapi.database;

import java.security.SecureRandom;
import java.util.Base64;

import org.springframework.jdbc.core.simple.JdbcClient;
import org.springframework.stereotype.Repository;

/**
 * Random secrets shared by every instance through the database, so that what one instance
 * signs another accepts, with nothing to configure. The first instance to ask for a
 * secret creates it; a race between two is settled by the primary key.
 */
@Repository
public class SharedSecrets {

	private static final SecureRandom random = new SecureRandom();

	private final JdbcClient jdbc;

	SharedSecrets(JdbcClient jdbc) {
		this.jdbc = jdbc;
	}

	/** The secret of this name: 32 random bytes. */
	public byte[] get(String name) {
		byte[] candidate = new byte[32];
		random.nextBytes(candidate);
		this.jdbc.sql("INSERT INTO shared_secrets (name, secret) VALUES (?, ?) ON CONFLICT (name) DO NOTHING")
			.params(name, Base64.getEncoder().encodeToString(candidate))
			.update();
		String secret = this.jdbc.sql("SELECT secret FROM shared_secrets WHERE name = ?")
			.param(name)
			.query(String.class)
			.single();
		return Base64.getDecoder().decode(secret);
	}

}
