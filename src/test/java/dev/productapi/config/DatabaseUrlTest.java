package dev.productapi.config;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class DatabaseUrlTest {

	@Test
	void jdbcUrlsPassThrough() {
		assertThat(DatabaseUrl.parse("jdbc:sqlite:./data/x.db"))
			.isEqualTo(new DatabaseUrl("jdbc:sqlite:./data/x.db", null, null));
		assertThat(DatabaseUrl.parse("jdbc:postgresql://db:5432/products?sslmode=require"))
			.isEqualTo(new DatabaseUrl("jdbc:postgresql://db:5432/products?sslmode=require", null, null));
	}

	@Test
	void sqlAlchemySqliteUrlsAreTranslated() {
		DatabaseUrl url = DatabaseUrl.parse("sqlite:///./products.db");

		assertThat(url.jdbcUrl()).isEqualTo("jdbc:sqlite:./products.db");
		assertThat(url.sqliteFile()).isEqualTo(Path.of("./products.db"));
	}

	@Test
	void libpqUrlsMoveTheirCredentialsOutOfTheJdbcUrl() {
		DatabaseUrl url = DatabaseUrl.parse("postgresql://app:p%40ss:word@db.internal:5433/products?sslmode=require");

		assertThat(url).isEqualTo(
				new DatabaseUrl("jdbc:postgresql://db.internal:5433/products?sslmode=require", "app", "p@ss:word"));
		assertThat(url.describe()).doesNotContain("p@ss");
	}

	@Test
	void herokuStylePostgresUrlsWork() {
		assertThat(DatabaseUrl.parse("postgres://u@localhost/shop"))
			.isEqualTo(new DatabaseUrl("jdbc:postgresql://localhost/shop", "u", null));
	}

	@Test
	void inMemorySqliteHasNoFile() {
		assertThat(DatabaseUrl.parse("jdbc:sqlite::memory:").sqliteFile()).isNull();
		assertThat(DatabaseUrl.parse("jdbc:postgresql://h/d").sqliteFile()).isNull();
	}

	@Test
	void aListOfHostsIsKeptForFailoverInBothForms() {
		assertThat(DatabaseUrl.parse("postgresql://app:secret@pg1:5432,pg2:5433/products?targetServerType=primary"))
			.isEqualTo(new DatabaseUrl("jdbc:postgresql://pg1:5432,pg2:5433/products?targetServerType=primary", "app",
					"secret"));
		assertThat(DatabaseUrl.parse("jdbc:postgresql://pg1:5432,pg2:5433/products?targetServerType=primary").jdbcUrl())
			.isEqualTo("jdbc:postgresql://pg1:5432,pg2:5433/products?targetServerType=primary");
	}

	@ParameterizedTest
	@ValueSource(strings = { "mysql://localhost/shop", "products.db", "postgresql://", "postgresql://host-only",
			"postgresql://h:5432/", "postgresql://pg1:5432,/products", "postgresql://pg1,pg2:x/products" })
	void otherUrlsAreRejected(String url) {
		assertThatIllegalArgumentException().isThrownBy(() -> DatabaseUrl.parse(url));
	}

	@Test
	void theDefaultIsAnSqliteFileUnderData() {
		DatabaseUrl url = DatabaseUrl.parse(DatabaseUrl.DEFAULT);

		assertThat(url.isSqlite()).isTrue();
		assertThat(url.sqliteFile()).isEqualTo(Path.of("./data/products.db"));
	}

	@Test
	void anAbsoluteSqlAlchemyPathHasFourSlashes() {
		DatabaseUrl url = DatabaseUrl.parse("sqlite:////var/lib/products/products.db");

		assertThat(url).isEqualTo(new DatabaseUrl("jdbc:sqlite:/var/lib/products/products.db", null, null));
		assertThat(url.sqliteFile()).isEqualTo(Path.of("/var/lib/products/products.db"));
	}

	@Test
	void theSqliteFileIsThePathWithoutTheOptions() {
		assertThat(DatabaseUrl.parse("jdbc:sqlite:./x.db?foreign_keys=on&busy_timeout=100").sqliteFile())
			.isEqualTo(Path.of("./x.db"));
		assertThat(DatabaseUrl.parse("jdbc:sqlite::memory:?cache=shared").sqliteFile()).isNull();
		assertThat(DatabaseUrl.parse("jdbc:sqlite:file:x.db?mode=memory").sqliteFile()).as("a URI").isNull();
	}

	@Test
	void onlySqliteUrlsAreSqlite() {
		assertThat(DatabaseUrl.parse("sqlite:///x.db").isSqlite()).isTrue();
		assertThat(DatabaseUrl.parse("jdbc:postgresql://h/d").isSqlite()).isFalse();
		assertThat(DatabaseUrl.parse("postgres://h/d").isSqlite()).isFalse();
	}

	@Test
	void aUserWithoutAPassword() {
		assertThat(DatabaseUrl.parse("postgresql://app@db/products"))
			.isEqualTo(new DatabaseUrl("jdbc:postgresql://db/products", "app", null));
	}

	@Test
	void credentialsArePercentDecodedAndTheLastAtSignEndsThem() {
		assertThat(DatabaseUrl.parse("postgresql://a%40b:p%2Fw%3Ad@db/products"))
			.isEqualTo(new DatabaseUrl("jdbc:postgresql://db/products", "a@b", "p/w:d"));
		assertThat(DatabaseUrl.parse("postgresql://app:p@ss@db/products"))
			.isEqualTo(new DatabaseUrl("jdbc:postgresql://db/products", "app", "p@ss"));
	}

	@Test
	void anIpv6HostIsKeptInBrackets() {
		assertThat(DatabaseUrl.parse("postgresql://app:pw@[::1]:5432/products").jdbcUrl())
			.isEqualTo("jdbc:postgresql://[::1]:5432/products");
	}

	@Test
	void describingAUrlHidesItsPasswordAndNamesTheUser() {
		assertThat(DatabaseUrl.parse("jdbc:postgresql://db/products?user=app&password=hunter2&ssl=true").describe())
			.isEqualTo("jdbc:postgresql://db/products?user=app&password=***&ssl=true");
		assertThat(DatabaseUrl.parse("postgresql://app:hunter2@db:5432/products?password=hunter2").describe())
			.isEqualTo("jdbc:postgresql://db:5432/products?password=*** as app");
		assertThat(DatabaseUrl.parse("sqlite:///x.db").describe()).isEqualTo("jdbc:sqlite:x.db");
	}

	@ParameterizedTest
	@ValueSource(strings = { "mysql://localhost/shop", "products.db", "", "JDBC:SQLITE:x.db", "sqlite://x.db",
			"jdbc:mysql://h/d" })
	void anUnknownKindOfUrlIsRejectedSayingWhichAreKnown(String url) {
		assertThatIllegalArgumentException().isThrownBy(() -> DatabaseUrl.parse(url))
			.withMessage("expected jdbc:sqlite:<file>, sqlite:///<file>, jdbc:postgresql://... or "
					+ "postgresql://user:password@host:port/database");
	}

	@ParameterizedTest
	@ValueSource(strings = { "postgresql://app:hunter2@/products", "postgresql://app:hunter2@db",
			"postgresql://app:hunter2@db/", "postgresql://app:hunter2@db:5432?sslmode=require",
			"postgres://app:hunter2@db:port/products", "postgresql://app:hunter2@db,/products" })
	void aPostgresqlUrlWithoutAHostOrADatabaseIsRejectedWithoutShowingThePassword(String url) {
		assertThatIllegalArgumentException().isThrownBy(() -> DatabaseUrl.parse(url))
			.withMessage("a PostgreSQL URL needs a host and a database, as in postgresql://host:5432/products or "
					+ "postgresql://host1:5432,host2:5432/products")
			.withMessageNotContaining("hunter2");
	}

}
