package dev.productapi.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;

import org.junit.jupiter.api.Test;

import dev.productapi.cache.SingleFlight.Flight;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;

class SingleFlightTest {

	private final AtomicInteger joins = new AtomicInteger();

	private final SingleFlight<String, String> flights = new SingleFlight<>(this.joins::incrementAndGet);

	@Test
	void concurrentCallersForOneKeyShareOneLoad() throws Exception {
		AtomicInteger loads = new AtomicInteger();
		CountDownLatch release = new CountDownLatch(1);
		List<Flight<String>> results = new ArrayList<>();
		List<Thread> callers = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			callers.add(Thread.ofPlatform().start(() -> {
				Flight<String> flight = this.flights.run("k", () -> {
					loads.incrementAndGet();
					awaitRelease(release);
					return "v";
				});
				synchronized (results) {
					results.add(flight);
				}
			}));
		}
		awaitAllWaiting(callers);
		release.countDown();
		for (Thread caller : callers) {
			caller.join();
		}

		assertThat(loads).hasValue(1);
		assertThat(results).extracting(Flight::value).containsOnly("v").hasSize(8);
		assertThat(results).filteredOn((flight) -> !flight.joined()).hasSize(1);
		assertThat(this.joins).as("joins reported").hasValue(7);
	}

	@Test
	void differentKeysLoadIndependently() {
		Flight<String> outer = this.flights.run("a", () -> this.flights.run("b", () -> "b").value() + "a");

		assertThat(outer.value()).isEqualTo("ba");
		assertThat(outer.joined()).isFalse();
	}

	@Test
	void aFailedLoadFailsItsJoinersAndIsNotRemembered() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		IllegalStateException failure = new IllegalStateException("database down");
		List<Throwable> seen = new ArrayList<>();
		List<Thread> callers = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			callers.add(Thread.ofPlatform().start(() -> {
				try {
					this.flights.run("k", () -> {
						awaitRelease(release);
						throw failure;
					});
				}
				catch (IllegalStateException ex) {
					synchronized (seen) {
						seen.add(ex);
					}
				}
			}));
		}
		awaitAllWaiting(callers);
		release.countDown();
		for (Thread caller : callers) {
			caller.join();
		}

		assertThat(seen).hasSize(3).containsOnly(failure);
		assertThat(this.flights.run("k", () -> "loaded again").value()).isEqualTo("loaded again");
		assertThatIllegalStateException().isThrownBy(() -> this.flights.run("k", () -> {
			throw failure;
		}));
	}

	@Test
	void aCompletedLoadIsNotReused() {
		this.flights.run("k", () -> "first");

		Flight<String> next = this.flights.run("k", () -> "second");

		assertThat(next.value()).isEqualTo("second");
		assertThat(next.joined()).isFalse();
		assertThat(this.joins).hasValue(0);
	}

	/**
	 * Every caller is blocked: the leader in its loader, the others waiting for its
	 * result.
	 */
	private static void awaitAllWaiting(List<Thread> threads) {
		await("every caller waits").atMost(Duration.ofSeconds(10))
			.pollInterval(Duration.ofMillis(1))
			.until(() -> threads.stream().allMatch((thread) -> thread.getState() == Thread.State.WAITING));
	}

	private static void awaitRelease(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
