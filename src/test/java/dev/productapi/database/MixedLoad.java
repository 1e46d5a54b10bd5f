package dev.productapi.database;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;

import dev.productapi.support.Api;
import dev.productapi.support.Api.Response;
import dev.productapi.support.Await;

/**
 * Reads and writes over a set of products from a few virtual threads, recording every
 * request: what it was, its status, when it started and ended, and for a write the value
 * it set. Each thread writes its own share of the products only, so the writes of one
 * product are sequential and the last acknowledged one is the one the database must have,
 * unless it lost it.
 */
final class MixedLoad {

	/** Every write sets a stock quantity no other write sets. */
	private static final AtomicInteger values = new AtomicInteger(1000);

	private final List<Request> requests = new ArrayList<>();

	private final List<Thread> threads = new ArrayList<>();

	private volatile boolean running = true;

	private MixedLoad(Api api, List<String> ids, int threadCount) {
		for (int t = 0; t < threadCount; t++) {
			int thread = t;
			List<Integer> share = new ArrayList<>();
			for (int i = thread; i < ids.size(); i += threadCount) {
				share.add(i);
			}
			this.threads.add(Thread.ofVirtual().name("load-" + t).start(() -> run(api, ids, share)));
		}
	}

	static MixedLoad start(Api api, List<String> ids, int threads) {
		return new MixedLoad(api, ids, threads);
	}

	private void run(Api api, List<String> ids, List<Integer> share) {
		while (this.running) {
			int product = share.get(ThreadLocalRandom.current().nextInt(share.size()));
			String path = "/products/" + ids.get(product);
			boolean write = ThreadLocalRandom.current().nextBoolean();
			int value = values.incrementAndGet();
			long start = System.nanoTime();
			Response response;
			try {
				response = write ? api.put(path, "{\"stock_quantity\": " + value + "}") : api.get(path);
			}
			catch (RuntimeException ex) {
				// no answer at all: recorded as status 0, which the test counts as a
				// failure
				add(new Request(product, write, write ? Integer.valueOf(value) : null, 0, start, System.nanoTime()));
				continue;
			}
			long end = System.nanoTime();
			Integer recorded = null;
			if (write) {
				recorded = value;
			}
			else if (response.status() == 200) {
				recorded = response.json().get("stock_quantity").asInt();
			}
			add(new Request(product, write, recorded, response.status(), start, end));
			Await.pause(Duration.ofMillis(10));
		}
	}

	List<Request> stop() {
		this.running = false;
		for (Thread thread : this.threads) {
			try {
				thread.join();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
		return requests();
	}

	synchronized List<Request> requests() {
		return new ArrayList<>(this.requests);
	}

	private synchronized void add(Request request) {
		this.requests.add(request);
	}

	/**
	 * One request.
	 *
	 * @param product the product's index
	 * @param write a PUT, or else a GET
	 * @param value the stock quantity a PUT set, or a successful GET returned
	 * @param status the response's status
	 * @param start {@link System#nanoTime()} when it was sent
	 * @param end {@link System#nanoTime()} when the response came
	 */
	record Request(int product, boolean write, Integer value, int status, long start, long end) {

		long millis() {
			return (this.end - this.start) / 1_000_000;
		}

	}

}
