package dev.productapi.support;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Function;

import dev.productapi.support.Api.Response;
import dev.productapi.support.History.Report;

/**
 * A black-box load for {@link History}: writers PUT increasing {@code stock_quantity}
 * values, each on products of its own, while readers GET random products, over real HTTP,
 * each request sent to one of the instances at random. Every acknowledged write and every
 * answered read goes into the history with the times it was sent and answered.
 */
public final class HistoryLoad {

	private static final int PRODUCTS_PER_WRITER = 2;

	private final String name;

	private final List<Api> instances;

	private final int writers;

	private final int readers;

	private final History history = new History();

	private final AtomicInteger serverErrors = new AtomicInteger();

	private final AtomicInteger unanswered = new AtomicInteger();

	private HistoryLoad(String name, List<Api> instances, int writers, int readers) {
		this.name = name;
		this.instances = instances;
		this.writers = writers;
		this.readers = readers;
	}

	/**
	 * The usual shape: 2 writers on 2 products each, 12 readers; the name says what runs,
	 * in the printed figures.
	 */
	public static HistoryLoad named(String name, Api... instances) {
		return new HistoryLoad(name, List.of(instances), 2, 12);
	}

	/**
	 * Runs the load for {@code duration}, while {@code alongside} runs on a thread of its
	 * own (faults, say; it should finish within the duration), then checks the history.
	 */
	public Result run(Duration duration, Runnable alongside) throws InterruptedException {
		List<List<String>> owned = new ArrayList<>();
		List<String> all = new ArrayList<>();
		for (int writer = 0; writer < this.writers; writer++) {
			List<String> ids = new ArrayList<>();
			for (int i = 0; i < PRODUCTS_PER_WRITER; i++) {
				ids.add(this.instances.getFirst().create("History " + writer + "-" + i, "1.00", 0));
			}
			owned.add(ids);
			all.addAll(ids);
		}
		AtomicBoolean running = new AtomicBoolean(true);
		try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
			for (List<String> ids : owned) {
				clients.submit(() -> write(ids, running));
			}
			for (int reader = 0; reader < this.readers; reader++) {
				clients.submit(() -> read(all, running));
			}
			clients.submit(alongside);
			Thread.sleep(duration);
			running.set(false);
		}
		Result result = new Result(this.history.check(), this.serverErrors.get(), this.unanswered.get());
		System.out.printf("History check, %s, %d s: %s%n", this.name, duration.toSeconds(), result);
		return result;
	}

	private void write(List<String> ids, AtomicBoolean running) {
		for (long stock = 1; running.get(); stock++) {
			String id = ids.get((int) (stock % ids.size()));
			String body = "{\"stock_quantity\": " + stock + "}";
			long invoked = System.nanoTime();
			Response response = send((api) -> api.put("/products/" + id, body));
			if (response != null && response.status() == 200) {
				this.history.write(id, stock, invoked, System.nanoTime());
			}
		}
	}

	private void read(List<String> ids, AtomicBoolean running) {
		while (running.get()) {
			String id = ids.get(ThreadLocalRandom.current().nextInt(ids.size()));
			long invoked = System.nanoTime();
			Response response = send((api) -> api.get("/products/" + id));
			if (response != null && response.status() == 200) {
				this.history.read(id, response.json().get("stock_quantity").asLong(), invoked, System.nanoTime());
			}
		}
	}

	/** Sends to a random instance; counts a 5xx, and a request with no answer. */
	private Response send(Function<Api, Response> request) {
		Api api = this.instances.get(ThreadLocalRandom.current().nextInt(this.instances.size()));
		try {
			Response response = request.apply(api);
			if (response.status() >= 500) {
				this.serverErrors.incrementAndGet();
			}
			return response;
		}
		catch (RuntimeException ex) {
			this.unanswered.incrementAndGet();
			return null;
		}
	}

	/** The history's check, and the requests that failed. */
	public record Result(Report history, int serverErrors, int unanswered) {

		@Override
		public String toString() {
			return "%s; %d 5xx, %d unanswered".formatted(this.history, this.serverErrors, this.unanswered);
		}

	}

}
