package dev.productapi.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.productapi.support.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatRuntimeException;

/**
 * The shared connection against a real Redis that is frozen (SIGSTOP): the TCP connect
 * succeeds, and commands, the handshake's among them, wait for replies that never come.
 */
class CacheConnectionTest {

	private static final Duration TIMEOUT = Duration.ofMillis(300);

	private TestRedis redis;

	private RedisClient client;

	private CacheConnection connection;

	@BeforeEach
	void connectionToAFrozenRedis() {
		this.redis = TestRedis.started();
		this.client = RedisClient.create();
		this.client.setOptions(ClientOptions.builder()
			.socketOptions(SocketOptions.builder().connectTimeout(TIMEOUT).build())
			.build());
		this.connection = new CacheConnection(this.client,
				RedisURI.builder().withHost("127.0.0.1").withPort(this.redis.port()).withTimeout(TIMEOUT).build());
		this.redis.freeze();
	}

	@AfterEach
	void close() {
		this.redis.thawIfFrozen();
		this.connection.close();
		this.client.shutdown();
		this.redis.close();
	}

	@Test
	void callersQueuedBehindAFailedOpenFailWithItInsteadOfEachWaitingInTurn() throws Exception {
		int callers = 8;
		long start = System.nanoTime();
		List<Throwable> failures = new ArrayList<>();
		try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
			List<Future<?>> calls = new ArrayList<>();
			for (int i = 0; i < callers; i++) {
				calls.add(threads.submit(() -> CacheConnection.await(this.connection.commands().ping())));
			}
			for (Future<?> call : calls) {
				try {
					call.get();
				}
				catch (ExecutionException ex) {
					failures.add(ex.getCause());
				}
			}
		}
		Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

		assertThat(failures).hasSize(callers);
		// One open pays the timeout; in turn, eight would take 2.4 s.
		assertThat(elapsed).isLessThan(TIMEOUT.multipliedBy(callers / 2));
	}

	@Test
	void aCommandToARedisThatFreezesAfterTheOpenFailsAfterTheTimeoutThoughTheWaitHasNone() {
		this.redis.thaw();
		assertThat(CacheConnection.await(this.connection.commands().ping())).isEqualTo("PONG");
		this.redis.freeze();

		long start = System.nanoTime();
		assertThatRuntimeException().isThrownBy(() -> CacheConnection.await(this.connection.commands().get("product:x")));
		Duration elapsed = Duration.ofNanos(System.nanoTime() - start);

		// Lettuce expires the command; this client's timer ticks every 100 ms.
		assertThat(elapsed).isBetween(TIMEOUT.minusMillis(10), TIMEOUT.plusMillis(700));
	}

	@Test
	void theNextCallerOpensAgainOnceRedisAnswers() {
		assertThatRuntimeException().isThrownBy(() -> this.connection.commands());

		this.redis.thaw();

		assertThat(CacheConnection.await(this.connection.commands().ping())).isEqualTo("PONG");
	}

}
