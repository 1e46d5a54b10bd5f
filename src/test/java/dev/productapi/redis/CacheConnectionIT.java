package dev.productapi.redis;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisCommandTimeoutException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.productapi.support.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatRuntimeException;

/**
 * The shared connection against a real Redis that is frozen (SIGSTOP): the TCP connect
 * succeeds, and commands, the handshake's among them, wait for replies that never come.
 */
class CacheConnectionIT {

	private static final Duration TIMEOUT = Duration.ofMillis(300);

	@RegisterExtension
	static final TestRedis redis = new TestRedis();

	private RedisClient client;

	private SingleMasterConnection connection;

	@BeforeEach
	void connectionToAFrozenRedis() {
		this.client = RedisClient
			.create(RedisURI.builder().withHost("127.0.0.1").withPort(redis.port()).withTimeout(TIMEOUT).build());
		this.client.setOptions(
				ClientOptions.builder().socketOptions(SocketOptions.builder().connectTimeout(TIMEOUT).build()).build());
		this.connection = new SingleMasterConnection(this.client, null, Duration.ZERO);
		redis.freeze();
	}

	@AfterEach
	void close() {
		redis.thawIfFrozen();
		this.connection.close();
		this.client.shutdown();
	}

	@Test
	void callersQueuedBehindAFailedOpenFailWithItInsteadOfEachTryingInTurn() throws Exception {
		int callers = 8;
		CountDownLatch go = new CountDownLatch(1);
		List<Throwable> failures = new ArrayList<>();
		try (ExecutorService threads = Executors.newVirtualThreadPerTaskExecutor()) {
			List<Future<?>> calls = new ArrayList<>();
			for (int i = 0; i < callers; i++) {
				calls.add(threads.submit(() -> {
					go.await();
					return CacheConnection.await(this.connection.commands().ping());
				}));
			}
			go.countDown();
			for (Future<?> call : calls) {
				try {
					call.get();
				}
				catch (ExecutionException ex) {
					failures.add(ex.getCause());
				}
			}
		}

		assertThat(failures).hasSize(callers);
		assertThat(this.connection.failedOpens()).as("connection attempts that paid the timeout").isEqualTo(1);
	}

	@Test
	void aCommandToARedisThatFreezesAfterTheOpenEndsAtTheCommandTimeoutThoughTheWaitHasNone() {
		redis.thaw();
		assertThat(CacheConnection.await(this.connection.commands().ping())).isEqualTo("PONG");
		redis.freeze();

		long start = System.nanoTime();
		assertThatExceptionOfType(RedisCommandTimeoutException.class)
			.isThrownBy(() -> CacheConnection.await(this.connection.commands().get("product:x")));

		assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(TIMEOUT.minusMillis(10));
	}

	@Test
	void theNextCallerOpensAgainOnceRedisAnswers() {
		assertThatRuntimeException().isThrownBy(() -> this.connection.commands());

		redis.thaw();

		assertThat(CacheConnection.await(this.connection.commands().ping())).isEqualTo("PONG");
	}

}
