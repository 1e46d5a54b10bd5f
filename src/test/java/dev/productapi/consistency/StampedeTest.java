package dev.productapi.consistency;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;

import dev.productapi.support.Api;
import dev.productapi.support.Api.Response;
import dev.productapi.support.RunningApp;
import dev.productapi.support.TestDatabases;
import dev.productapi.support.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;

/** A burst of reads of a cold key costs the database one read, not one per request. */
class StampedeTest {

	private static final int CONCURRENT_READS = 200;

	private static TestRedis redis;

	private static RunningApp first;

	private static RunningApp second;

	@BeforeAll
	static void start() {
		redis = TestRedis.started();
		String database = TestDatabases.sqlite();
		first = RunningApp.start(redis, database);
		second = RunningApp.start(redis, database);
	}

	@AfterAll
	static void stop() {
		first.close();
		second.close();
		redis.close();
	}

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
