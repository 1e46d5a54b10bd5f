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

}
