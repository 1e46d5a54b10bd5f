package dev.productapi.database;

import java.time.Duration;

import javax.sql.DataSource;

import com.zaxxer.hikari.HikariDataSource;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.config.BeanPostProcessor;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.jdbc.DataSourceUnwrapper;
import org.springframework.boot.transaction.autoconfigure.TransactionManagerCustomizers;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.env.Environment;
import org.springframework.jdbc.support.JdbcTransactionManager;

/**
 * How requests queue for the database: the pool behind a {@link FairConnectionQueue}, and
 * on SQLite a {@link SingleWriter} in the transaction manager. The transaction manager
 * replaces Spring Boot's, with Boot's customizations
 * ({@code spring.transaction.default-timeout}) applied as Boot would.
 */
@Configuration(proxyBeanMethods = false)
class TransactionConfiguration {

	@Bean
	JdbcTransactionManager transactionManager(DataSource dataSource, DatabaseQueueProperties queues,
			ObjectProvider<TransactionManagerCustomizers> customizers) {
		HikariDataSource pool = DataSourceUnwrapper.unwrap(dataSource, HikariDataSource.class);
		boolean sqlite = pool != null && pool.getJdbcUrl().startsWith("jdbc:sqlite:");
		SingleWriter writer = (sqlite && queues.singleWriter())
				? new SingleWriter(Duration.ofMillis(pool.getConnectionTimeout())) : null;
		JdbcTransactionManager manager = new ConnectionDiscardingTransactionManager(dataSource, writer);
		customizers.ifAvailable((customizer) -> customizer.customize(manager));
		return manager;
	}

	/** Static, so that it is in place before the data source is created. */
	@Bean
	static BeanPostProcessor fairConnectionQueue(Environment environment) {
		return new BeanPostProcessor() {

			@Override
			public Object postProcessAfterInitialization(Object bean, String beanName) throws BeansException {
				if (bean instanceof HikariDataSource pool && Binder.get(environment)
					.bind("product-api.database", DatabaseQueueProperties.class)
					.map(DatabaseQueueProperties::fairQueue)
					.orElse(true)) {
					return new FairConnectionQueue(pool, pool.getMaximumPoolSize(),
							Duration.ofMillis(pool.getConnectionTimeout()));
				}
				return bean;
			}

		};
	}

}
