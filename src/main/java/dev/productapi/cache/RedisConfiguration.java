package dev.productapi.cache;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.resource.Delay;

import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.data.redis.autoconfigure.ClientResourcesBuilderCustomizer;
import org.springframework.boot.data.redis.autoconfigure.DataRedisProperties;
import org.springframework.boot.data.redis.autoconfigure.LettuceClientOptionsBuilderCustomizer;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.data.redis.connection.RedisConnectionFactory;
import org.springframework.data.redis.connection.lettuce.LettuceConnectionFactory;
import org.springframework.data.redis.core.RedisTemplate;
import org.springframework.data.redis.serializer.RedisSerializer;

/**
 * Lettuce tuned for a cache rather than a database. Its defaults suit a system of record:
 * commands issued while disconnected are buffered until Redis returns, and reconnects back off
 * to 30 s. For a cache both are wrong: a request should fail over to the database at once, and
 * caching should resume within a couple of seconds of Redis coming back. The command and
 * connect timeouts come from {@code REDIS_TIMEOUT_MS} and {@code REDIS_CONNECT_TIMEOUT_MS}.
 */
@Configuration(proxyBeanMethods = false)
class RedisConfiguration {

	@Bean
	LettuceClientOptionsBuilderCustomizer failFastWhileDisconnected() {
		return (options) -> options.disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
			.autoReconnect(true);
	}

	@Bean
	ClientResourcesBuilderCustomizer quickReconnect() {
		return (resources) -> resources
			.reconnectDelay(Delay.exponential(Duration.ofMillis(50), Duration.ofSeconds(2), 2, TimeUnit.MILLISECONDS));
	}

	@Bean(destroyMethod = "close")
	@ConditionalOnBooleanProperty("product-api.cache.near.enabled")
	NearCache nearCache(LettuceConnectionFactory connectionFactory, DataRedisProperties redis, CacheProperties cache) {
		RedisURI.Builder uri = RedisURI.builder()
			.withHost(redis.getHost())
			.withPort(redis.getPort())
			.withSsl(redis.getSsl().isEnabled())
			.withTimeout(redis.getTimeout() != null ? redis.getTimeout() : Duration.ofMillis(200));
		if (redis.getPassword() != null) {
			uri.withAuthentication(redis.getUsername() != null ? redis.getUsername() : "default", redis.getPassword());
		}
		return new NearCache((RedisClient) connectionFactory.getRequiredNativeClient(), uri.build(),
				cache.near().maxEntries(), cache.ttl());
	}

	@Bean
	RedisTemplate<String, byte[]> productRedisTemplate(RedisConnectionFactory connectionFactory) {
		RedisTemplate<String, byte[]> template = new RedisTemplate<>();
		template.setConnectionFactory(connectionFactory);
		template.setKeySerializer(RedisSerializer.string());
		template.setValueSerializer(RedisSerializer.byteArray());
		template.setEnableDefaultSerializer(false);
		return template;
	}

}
