package dev.productapi.product;

import java.util.Set;

/**
 * The versions a write may apply to: any (no condition), or one of a set, from an
 * {@code If-Match} request header. The check and the write are one SQL statement, so the
 * condition holds however many instances write at once.
 */
public record ExpectedVersions(Set<Long> versions) {

	public static final ExpectedVersions ANY = new ExpectedVersions(null);

	public static ExpectedVersions oneOf(Set<Long> versions) {
		return new ExpectedVersions(Set.copyOf(versions));
	}

	boolean isAny() {
		return this.versions == null;
	}

}
