package dev.productapi.support;

import java.util.function.Supplier;

/** The databases the API supports, for tests parametrized over both. */
public enum Databases {

	SQLITE(TestDatabases::sqlite), POSTGRESQL(TestDatabases::postgres);

	private final Supplier<String> freshUrl;

	Databases(Supplier<String> freshUrl) {
		this.freshUrl = freshUrl;
	}

	/** A new, empty database of this kind, as a {@code DATABASE_URL}. */
	public String fresh() {
		return this.freshUrl.get();
	}

}
