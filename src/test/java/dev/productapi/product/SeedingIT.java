package dev.productapi.product;

import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;

import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.EnumSource;

import dev.productapi.support.AppProcess;
import dev.productapi.support.Databases;
import dev.productapi.support.RunningApp;
import dev.productapi.support.TestDatabases;
import dev.productapi.support.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Sample data: three products on an empty database, never more, however many instances
 * start.
 */
class SeedingIT {

	@RegisterExtension
	static final TestRedis redis = new TestRedis();

	@ParameterizedTest
	@EnumSource(Databases.class)
	void anEmptyDatabaseGetsTheThreeSamplesAndARestartAddsNone(Databases kind) {
		String database = kind.fresh();
		try (RunningApp app = RunningApp.start(redis, database)) {
			assertThat(app.bean(ProductRepository.class).count()).isEqualTo(3);
			for (Product sample : SampleProducts.SAMPLES) {
				assertThat(app.api().get("/products/" + sample.id()).status()).isEqualTo(200);
			}
		}
		try (RunningApp again = RunningApp.start(redis, database)) {
			assertThat(again.bean(ProductRepository.class).count()).isEqualTo(3);
		}
	}

	@ParameterizedTest
	@EnumSource(Databases.class)
	void aDatabaseWithProductsGetsNoSamples(Databases kind) {
		String database = kind.fresh();
		String kept;
		try (RunningApp app = RunningApp.start(redis, database)) {
			for (Product sample : SampleProducts.SAMPLES) {
				app.api().delete("/products/" + sample.id());
			}
			kept = app.api().create("The only product", "1.00", 1);
		}

		try (RunningApp again = RunningApp.start(redis, database)) {
			assertThat(again.bean(ProductRepository.class).count()).isEqualTo(1);
			assertThat(again.api().get("/products/" + kept).status()).isEqualTo(200);
			assertThat(again.api().get("/products/" + SampleProducts.SAMPLES.getFirst().id()).status()).isEqualTo(404);
		}
	}

	@ParameterizedTest
	@EnumSource(Databases.class)
	void instancesStartingTogetherSeedOnce(Databases kind) {
		String database = kind.fresh();
		List<AppProcess> instances = new ArrayList<>();
		try {
			for (int i = 0; i < 2; i++) {
				instances.add(AppProcess.start(RunningApp.settings(redis, database)));
			}
			instances.forEach(AppProcess::awaitStarted);
		}
		finally {
			instances.forEach(AppProcess::close);
		}

		assertThat(TestDatabases.count(database, "products")).isEqualTo(3);
	}

	@ParameterizedTest
	@EnumSource(Databases.class)
	void concurrentSeedingOfAnEmptyTableInsertsEachSampleOnce(Databases kind) throws Exception {
		try (RunningApp app = RunningApp.start(redis, kind.fresh())) {
			ProductRepository repository = app.bean(ProductRepository.class);
			SampleProducts.SAMPLES.forEach((sample) -> repository.delete(sample.id(), ExpectedVersions.ANY));
			SampleProducts seeder = app.bean(SampleProducts.class);
			CountDownLatch go = new CountDownLatch(1);
			List<Future<Integer>> runs = new ArrayList<>();

			try (ExecutorService threads = Executors.newFixedThreadPool(8)) {
				for (int i = 0; i < 8; i++) {
					runs.add(threads.submit(() -> {
						go.await();
						return seeder.seed();
					}));
				}
				go.countDown();
				int inserted = 0;
				for (Future<Integer> run : runs) {
					inserted += run.get();
				}
				assertThat(inserted).isEqualTo(3);
			}
			assertThat(repository.count()).isEqualTo(3);
		}
	}

}
