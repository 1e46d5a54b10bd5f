package dev.productapi.lifecycle;

import java.util.ArrayDeque;
import java.util.List;
import java.util.Queue;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/** The JIT's compiling time between readings of its total. */
class JitActivityTest {

	@Test
	void eachCallGivesTheCompilingTimeSinceThePreviousOne() {
		Queue<Long> totals = new ArrayDeque<>(List.of(100L, 150L, 150L, 1250L));
		JitActivity jit = new JitActivity(totals::remove);

		assertThat(jit.compilingMillisSinceLastCall()).as("since creation").isEqualTo(50);
		assertThat(jit.compilingMillisSinceLastCall()).as("an idle JIT").isZero();
		assertThat(jit.compilingMillisSinceLastCall()).as("several compiler threads at once").isEqualTo(1100);
	}

	@Test
	void thisJvmsJitIsReadThroughJmx() {
		assertThat(new JitActivity().compilingMillisSinceLastCall()).isNotNegative();
	}

}
