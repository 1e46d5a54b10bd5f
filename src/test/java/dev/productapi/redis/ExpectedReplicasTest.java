package dev.productapi.redis;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.productapi.support.ManualTicker;

import static org.assertj.core.api.Assertions.assertThat;

class ExpectedReplicasTest {

	private static final Duration GRACE = Duration.ofSeconds(300);

	private final ManualTicker ticker = new ManualTicker(7);

	private final ExpectedReplicas replicas = new ExpectedReplicas("cache:6379", GRACE, this.ticker);

	@Test
	void followsReplicasThatJoin() {
		assertThat(this.replicas.update(0)).isZero();
		assertThat(this.replicas.update(1)).isEqualTo(1);
		assertThat(this.replicas.update(2)).isEqualTo(2);
	}

	@Test
	void aLostReplicaIsWaitedForThroughoutTheGracePeriod() {
		this.replicas.update(2);

		this.ticker.advance(GRACE.minusNanos(1));
		assertThat(this.replicas.update(1)).isEqualTo(2);

		this.ticker.advance(Duration.ofNanos(1));
		assertThat(this.replicas.update(1)).isEqualTo(1);
	}

	@Test
	void theGracePeriodCountsFromWhenAllReplicasWereLastSeen() {
		this.replicas.update(1);
		this.ticker.advance(GRACE.dividedBy(2));
		this.replicas.update(1);

		this.ticker.advance(GRACE.dividedBy(2));
		assertThat(this.replicas.update(0)).as("half a grace period after the replica was last seen").isEqualTo(1);
		this.ticker.advance(GRACE.dividedBy(2));
		assertThat(this.replicas.update(0)).isZero();
	}

	@Test
	void aReplicaThatComesBackEndsTheWait() {
		this.replicas.update(1);
		this.ticker.advance(GRACE.dividedBy(3));
		assertThat(this.replicas.update(0)).isEqualTo(1);

		assertThat(this.replicas.update(1)).isEqualTo(1);
		this.ticker.advance(GRACE.minusNanos(1));
		assertThat(this.replicas.update(0)).as("a new grace period from the return").isEqualTo(1);
	}

}
