package dev.productapi.consistency;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import dev.productapi.support.Api;
import dev.productapi.support.Api.Response;
import dev.productapi.support.ApiUnderTest;
import dev.productapi.support.RunningApp;

import static org.assertj.core.api.Assertions.assertThat;

/** A burst of reads of a cold key costs the database one read, not one per request. */
class StampedeTest {

	private static final int CONCURRENT_READS = 200;

	@RegisterExtension
	static final ApiUnderTest app = ApiUnderTest.withSettings().instances(2);

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

	/**
	 * Usually one read: the instance that loses the lease waits for the other's fill. Two
	 * when the wait for that fill ({@code product-api.cache.lease-wait}) runs out first
	 * on a busy machine; the loser then reads the database itself rather than keep its
	 * requests waiting.
	 */
	@Test
	void coldKeyBurstOnTwoInstancesCostsAtMostTwoDatabaseReads() throws Exception {
		String id = first.api().create("Hot item 2", "6.00", 1000);
		double readsBefore = first.counter("product.db.reads") + second.counter("product.db.reads");

		List<Response> responses = burst(id, first.api(), second.api());

		assertThat(responses).allSatisfy((response) -> assertThat(response.status()).isEqualTo(200));
		double reads = first.counter("product.db.reads") + second.counter("product.db.reads") - readsBefore;
		assertThat(reads).isBetween(1.0, 2.0);
	}

	private static List<Response> burst(String id, Api... instances) throws Exception {
		CountDownLatch go = new CountDownLatch(1);
		List<Future<Response>> futures = new ArrayList<>();
		try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int i = 0; i < CONCURRENT_READS; i++) {
				Api api = instances[i % instances.length];
				futures.add(clients.submit(() -> {
					go.await();
					return api.get("/products/" + id);
				}));
			}
			go.countDown();
			List<Response> responses = new ArrayList<>();
			for (Future<Response> future : futures) {
				responses.add(future.get());
			}
			return responses;
		}
	}

}
