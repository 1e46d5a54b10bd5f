package dev.productapi.database;

import java.time.Duration;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.jdbc.DataSourceUnwrapper;
import org.springframework.boot.transaction.autoconfigure.TransactionManagerCustomizers;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.support.JdbcTransactionManager;

/**
 * The transaction manager, in place of Spring Boot's, with Boot's customizations
 * ({@code spring.transaction.default-timeout}) applied as Boot would; on SQLite, with a
 * {@link SingleWriter}.
 */
@Configuration(proxyBeanMethods = false)
class TransactionConfiguration {

	@Bean
	JdbcTransactionManager transactionManager(DataSource dataSource, DatabaseQueueProperties queueing,
			ObjectProvider<TransactionManagerCustomizers> customizers) {
		HikariDataSource pool = DataSourceUnwrapper.unwrap(dataSource, HikariDataSource.class);
		boolean sqlite = pool != null && pool.getJdbcUrl().startsWith("jdbc:sqlite:");
		SingleWriter writer = (sqlite && queueing.singleWriter())
				? new SingleWriter(Duration.ofMillis(pool.getConnectionTimeout())) : null;
		JdbcTransactionManager manager = new ConnectionDiscardingTransactionManager(dataSource, writer);
		customizers.ifAvailable((customizer) -> customizer.customize(manager));
		return manager;
	}

}
