package dev.productapi.lifecycle;

import java.time.Duration;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * When the warm-up stops: the JIT settled (under 5 % of the last second compiling) after
 * the minimum, or the limit.
 */
class SettleRuleTest {

	private final SettleRule rule = new SettleRule(Duration.ofSeconds(2), 5, Duration.ofSeconds(20));

	@ParameterizedTest(name = "{1} ms compiling in the last second, {0} ms after the start: settled {2}")
	@CsvSource({ "2000, 0, true", "2000, 49, true", "2000, 50, false", "5000, 500, false", "5000, 2000, false",
			"1999, 0, false", "1000, 0, false", "30000, 0, true" })
	void theJitHasSettledUnderFivePercentOfASecondCompilingAfterTheMinimum(long elapsedMillis, long compilingMillis,
			boolean settled) {
		assertThat(this.rule.isSettled(Duration.ofMillis(elapsedMillis), compilingMillis)).isEqualTo(settled);
	}

	@Test
	void aSettledJitEndsTheWarmUp() {
		assertThat(this.rule.isOver(Duration.ofMillis(3004), 12)).isTrue();
	}

	@Test
	void anIdleJitDoesNotEndTheWarmUpBeforeTheMinimum() {
		assertThat(this.rule.isOver(Duration.ofMillis(1002), 0)).isFalse();
	}

	@Test
	void aBusyJitDoesNotEndTheWarmUpBeforeTheLimit() {
		assertThat(this.rule.isOver(Duration.ofMillis(19_990), 1500)).isFalse();
	}

	@Test
	void theLimitEndsTheWarmUpWhateverTheJitDoes() {
		assertThat(this.rule.isOver(Duration.ofSeconds(20), 1500)).isTrue();
		assertThat(this.rule.isOver(Duration.ofMillis(20_030), 1500)).isTrue();
	}

	@Test
	void aLimitUnderTheMinimumStillEndsTheWarmUp() {
		SettleRule shortLimit = new SettleRule(Duration.ofSeconds(2), 5, Duration.ofSeconds(1));
		assertThat(shortLimit.isOver(Duration.ofMillis(1001), 900)).isTrue();
	}

}
