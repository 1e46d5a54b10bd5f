package dev.productapi.cache;

import java.time.Duration;
import java.util.List;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.read.ListAppender;
import io.lettuce.core.RedisConnectionException;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.slf4j.LoggerFactory;

import dev.productapi.support.ManualTicker;

import static org.assertj.core.api.Assertions.assertThat;

class RedisCircuitBreakerTest {

	private static final Duration RETRY = Duration.ofSeconds(1);

	private final ManualTicker ticker = new ManualTicker(42);

	private final RedisCircuitBreaker breaker = new RedisCircuitBreaker(RETRY, this.ticker);

	private final ListAppender<ILoggingEvent> log = new ListAppender<>();

	@BeforeEach
	void captureLog() {
		this.log.start();
		logger().addAppender(this.log);
	}

	@AfterEach
	void releaseLog() {
		logger().detachAppender(this.log);
	}

	@Test
	void closedLetsEveryRequestThrough() {
		assertThat(this.breaker.isOpen()).isFalse();
		for (int i = 0; i < 100; i++) {
			assertThat(this.breaker.allowsRequest()).isTrue();
		}
	}

	@Test
	void aFailureOpensItUntilTheRetryIntervalThenOneCallerProbes() {
		this.breaker.recordFailure(new RedisConnectionException("refused"));

		assertThat(this.breaker.isOpen()).isTrue();
		assertThat(this.breaker.allowsRequest()).isFalse();
		advance(RETRY.minusNanos(1));
		assertThat(this.breaker.allowsRequest()).isFalse();
		advance(Duration.ofNanos(1));
		assertThat(this.breaker.allowsRequest()).as("the probe").isTrue();
		assertThat(this.breaker.allowsRequest()).as("a second caller while the probe runs").isFalse();
	}

	@Test
	void aSuccessfulProbeClosesIt() {
		this.breaker.recordFailure(new RedisConnectionException("refused"));
		advance(RETRY);
		assertThat(this.breaker.allowsRequest()).isTrue();

		this.breaker.recordSuccess();

		assertThat(this.breaker.isOpen()).isFalse();
		assertThat(this.breaker.allowsRequest()).isTrue();
		assertThat(this.breaker.allowsRequest()).isTrue();
	}

	@Test
	void aFailedProbeKeepsItOpenForAnotherInterval() {
		this.breaker.recordFailure(new RedisConnectionException("refused"));
		advance(RETRY);
		assertThat(this.breaker.allowsRequest()).isTrue();

		this.breaker.recordFailure(new RedisConnectionException("still refused"));

		advance(RETRY.minusNanos(1));
		assertThat(this.breaker.allowsRequest()).isFalse();
		advance(Duration.ofNanos(1));
		assertThat(this.breaker.allowsRequest()).isTrue();
	}

	@Test
	void anOutageIsLoggedOnceWhenItStartsAndOnceWhenItEnds() {
		for (int i = 0; i < 50; i++) {
			this.breaker.recordFailure(new RedisConnectionException("refused"));
			advance(RETRY);
		}
		this.breaker.recordSuccess();
		this.breaker.recordSuccess();

		List<String> lines = this.log.list.stream().map(ILoggingEvent::getFormattedMessage).toList();
		assertThat(lines).hasSize(2);
		assertThat(lines.get(0)).startsWith("Redis is unavailable (refused)").contains("retrying every 1000 ms");
		assertThat(lines.get(1)).isEqualTo("Redis is reachable again; caching resumed");
	}

	private void advance(Duration duration) {
		this.ticker.advance(duration);
	}

	private static Logger logger() {
		return (Logger) LoggerFactory.getLogger(RedisCircuitBreaker.class);
	}

}
