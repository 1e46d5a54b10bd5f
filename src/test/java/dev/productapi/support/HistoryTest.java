package dev.productapi.support;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import dev.productapi.support.History.Report;

import static org.assertj.core.api.Assertions.assertThat;

class HistoryTest {

	private final History history = new History();

	@Test
	void aReadInvokedAfterANewerWriteCompletedIsStale() {
		this.history.write("a", 1, 0, 10);
		this.history.write("a", 2, 20, 30);
		this.history.read("a", 1, 45, 50);

		Report report = this.history.check();

		assertThat(report.staleReads()).singleElement().satisfies((stale) -> {
			assertThat(stale.returned()).isEqualTo(1);
			assertThat(stale.newer()).isEqualTo(2);
			assertThat(stale.by()).isEqualTo(Duration.ofNanos(15));
		});
	}

	@Test
	void aReadConcurrentWithAWriteMayReturnEitherValue() {
		this.history.write("a", 1, 0, 10);
		this.history.write("a", 2, 20, 40);
		this.history.read("a", 1, 30, 35);
		this.history.read("a", 2, 25, 32);

		assertThat(this.history.check().staleReads()).isEmpty();
	}

	@Test
	void aReadInvokedWhenTheWriteCompletedIsConcurrentWithIt() {
		this.history.write("a", 1, 0, 10);
		this.history.write("a", 2, 20, 30);
		this.history.read("a", 1, 30, 31);

		assertThat(this.history.check().staleReads()).isEmpty();
	}

	@Test
	void stalenessIsMeasuredFromTheFirstNewerWriteAndTheWorstComesFirst() {
		this.history.write("a", 1, 0, 10);
		this.history.write("a", 2, 11, 20);
		this.history.write("a", 3, 21, 30);
		this.history.read("a", 1, 40, 41);
		this.history.read("a", 2, 35, 36);

		Report report = this.history.check();

		assertThat(report.staleReads()).extracting(History.Stale::by)
			.containsExactly(Duration.ofNanos(20), Duration.ofNanos(5));
		assertThat(report.largestStaleness()).isEqualTo(Duration.ofNanos(20));
		assertThat(report.operations()).isEqualTo(5);
	}

	@Test
	void registersAreCheckedApartAndAReadBeforeAnyWriteIsNeverStale() {
		this.history.write("a", 5, 0, 10);
		this.history.read("b", 0, 20, 21);
		this.history.read("a", 0, 5, 6);

		assertThat(this.history.check().staleReads()).isEmpty();
	}

}
