package dev.productapi.database;

import javax.sql.DataSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.transaction.autoconfigure.TransactionManagerCustomizers;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.jdbc.support.JdbcTransactionManager;

/**
 * The transaction manager, in place of Spring Boot's, with Boot's customizations
 * ({@code spring.transaction.default-timeout}) applied as Boot would.
 */
@Configuration(proxyBeanMethods = false)
class TransactionConfiguration {

	@Bean
	JdbcTransactionManager transactionManager(DataSource dataSource,
			ObjectProvider<TransactionManagerCustomizers> customizers) {
		JdbcTransactionManager manager = new ConnectionDiscardingTransactionManager(dataSource);
		customizers.ifAvailable((customizer) -> customizer.customize(manager));
		return manager;
	}

}
