package dev.productapi.consistency;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.productapi.support.Api;
import dev.productapi.support.Api.Response;
import dev.productapi.support.ApiUnderTest;
import dev.productapi.support.MissPathGate;
import dev.productapi.support.RunningApp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/** A burst of reads of a cold key costs the database one read, not one per request. */
class StampedeIT {

	private static final int CONCURRENT_READS = 200;

	/** How long an instance that finds another's lease waits for that instance's fill. */
	private static final String LEASE_WAIT = "1s";

	@RegisterExtension
	static final ApiUnderTest app = ApiUnderTest.withSettings("product-api.cache.lease-wait", LEASE_WAIT)
		.withSources(MissPathGate.class)
		.instances(2);

	private final RunningApp first = app.instance(0);

	private final RunningApp second = app.instance(1);

	@Test
	void coldKeyBurstOnOneInstanceCostsOneDatabaseRead() throws Exception {
		String id = first.api().create("Hot item", "5.00", 1000);
		double readsBefore = first.counter("product.db.reads");

		List<Response> responses = burst(id, first.api());

		assertThat(responses).allSatisfy((response) -> assertThat(response.status()).isEqualTo(200));
		assertThat(responses.stream().map(Response::body).distinct()).hasSize(1);
		assertThat(first.counter("product.db.reads") - readsBefore).isEqualTo(1);
	}

	@Test
	void coldKeyBurstOnTwoInstancesCostsAtMostTwoDatabaseReads() throws Exception {
		String id = first.api().create("Hot item 2", "6.00", 1000);
		double readsBefore = databaseReads();

		List<Response> responses = burst(id, first.api(), second.api());

		assertThat(responses).allSatisfy((response) -> assertThat(response.status()).isEqualTo(200));
		assertThat(databaseReads() - readsBefore).isBetween(1.0, 2.0);
	}

	/**
	 * The instance that loses the lease waits for the other's fill for
	 * {@code product-api.cache.lease-wait}; when the fill is later than that, it reads
	 * the database once for all its waiting requests, not once each.
	 */
	@Test
	void whenTheOtherInstancesFillIsLateTheBurstCostsTwoDatabaseReads() throws Exception {
		String id = first.api().create("Hot item 3", "7.00", 1000);
		double readsBefore = databaseReads();
		MissPathGate.Gate gate = MissPathGate.arm();

		CompletableFuture<List<Response>> responses = CompletableFuture
			.supplyAsync(() -> burst(id, first.api(), second.api()));
		gate.awaitRead();
		await("the other instance gives up waiting and reads the database").atMost(Duration.ofSeconds(10))
			.until(() -> databaseReads() - readsBefore >= 2);
		gate.release();

		assertThat(responses.get()).allSatisfy((response) -> assertThat(response.status()).isEqualTo(200));
		assertThat(databaseReads() - readsBefore).isEqualTo(2);
	}

	private double databaseReads() {
		return this.first.counter("product.db.reads") + this.second.counter("product.db.reads");
	}

	private static List<Response> burst(String id, Api... instances) {
		CountDownLatch go = new CountDownLatch(1);
		List<CompletableFuture<Response>> futures = new ArrayList<>();
		try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int i = 0; i < CONCURRENT_READS; i++) {
				Api api = instances[i % instances.length];
				futures.add(CompletableFuture.supplyAsync(() -> {
					awaitQuietly(go);
					return api.get("/products/" + id);
				}, clients));
			}
			go.countDown();
			List<Response> responses = new ArrayList<>();
			for (CompletableFuture<Response> future : futures) {
				responses.add(future.join());
			}
			return responses;
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

}
