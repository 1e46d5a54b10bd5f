package dev.productapi.topology;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Collections;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Supplier;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.productapi.support.Api;
import dev.productapi.support.Api.Response;
import dev.productapi.support.TestTime;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * A read/write load on a few dozen products through one or more API instances, recorded
 * so that every read can be judged afterwards. Each writer owns some of the products and
 * PUTs an ever larger {@code stock_quantity} to them in turn, through the instances in
 * turn; readers GET random products through random instances. A read that began after a
 * write of its product was acknowledged must show at least that write's stock: a smaller
 * one is a stale read.
 * <p>
 * Times are {@link System#nanoTime()}, converted to {@link Instant}s on {@link TestTime}
 * (the clock of {@code Failover}) with {@link #instantOf}.
 */
final class StockLoad implements AutoCloseable {

	private static final Pattern STOCK = Pattern.compile("\"stock_quantity\":(-?\\d+)");

	private final List<Api> instances;

	private final List<String> ids;

	private final int readers;

	private final int writers;

	private final AtomicBoolean running = new AtomicBoolean();

	/** Per product, its acknowledged writes in order; each list has one writer. */
	private final Map<String, List<Write>> acknowledged = new HashMap<>();

	private final List<List<Read>> reads = new ArrayList<>();

	/** Per writer, when each acknowledged write began and how long it took. */
	private final List<List<long[]>> writeTimes = new ArrayList<>();

	private final List<String> serverErrors = Collections.synchronizedList(new ArrayList<>());

	private final List<String> otherFailures = Collections.synchronizedList(new ArrayList<>());

	private ExecutorService clients;

	StockLoad(List<Api> instances, List<String> ids, int readers, int writers) {
		this.instances = List.copyOf(instances);
		this.ids = List.copyOf(ids);
		this.readers = readers;
		this.writers = writers;
		for (String id : ids) {
			this.acknowledged.put(id, new ArrayList<>());
		}
	}

	void start() {
		this.running.set(true);
		this.clients = Executors.newVirtualThreadPerTaskExecutor();
		for (int reader = 0; reader < this.readers; reader++) {
			List<Read> own = new ArrayList<>();
			this.reads.add(own);
			this.clients.submit(() -> read(own));
		}
		for (int writer = 0; writer < this.writers; writer++) {
			List<String> owned = new ArrayList<>();
			for (int i = writer; i < this.ids.size(); i += this.writers) {
				owned.add(this.ids.get(i));
			}
			List<long[]> times = new ArrayList<>();
			this.writeTimes.add(times);
			this.clients.submit(() -> write(owned, times));
		}
	}

	private void read(List<Read> own) {
		ThreadLocalRandom random = ThreadLocalRandom.current();
		while (this.running.get()) {
			String id = this.ids.get(random.nextInt(this.ids.size()));
			int instance = random.nextInt(this.instances.size());
			long began = System.nanoTime();
			Response response = send(() -> this.instances.get(instance).get("/products/" + id), "GET " + id);
			long ended = System.nanoTime();
			if (response != null && check(response, "GET " + id, 200)) {
				own.add(new Read(id, instance, began, ended, stockOf(response), response.cache()));
			}
		}
	}

	private void write(List<String> owned, List<long[]> times) {
		int stock = 0;
		while (this.running.get()) {
			stock++;
			String id = owned.get(stock % owned.size());
			Api api = this.instances.get((stock / owned.size()) % this.instances.size());
			String body = "{\"stock_quantity\": " + stock + "}";
			long began = System.nanoTime();
			Response response = send(() -> api.put("/products/" + id, body), "PUT " + id + " " + body);
			long ended = System.nanoTime();
			if (response != null && check(response, "PUT " + id + " " + body, 200)) {
				this.acknowledged.get(id).add(new Write(ended, stock));
				times.add(new long[] { began, ended - began });
			}
		}
	}

	private Response send(Supplier<Response> request, String description) {
		try {
			return request.get();
		}
		catch (RuntimeException ex) {
			this.otherFailures.add(description + ": " + ex);
			return null;
		}
	}

	private boolean check(Response response, String description, int expected) {
		if (response.status() == expected) {
			return true;
		}
		List<String> failures = (response.status() >= 500) ? this.serverErrors : this.otherFailures;
		failures.add(description + ": " + response.status() + " " + response.body());
		return false;
	}

	private static int stockOf(Response response) {
		Matcher stock = STOCK.matcher(response.body());
		if (!stock.find()) {
			throw new AssertionError("No stock_quantity in " + response.body());
		}
		return Integer.parseInt(stock.group(1));
	}

	/** Stops every client after its request in flight, and waits for them. */
	void stop() {
		this.running.set(false);
		if (this.clients != null) {
			this.clients.close();
		}
	}

	@Override
	public void close() {
		stop();
	}

	/** The 5xx responses, described. */
	List<String> serverErrors() {
		return List.copyOf(this.serverErrors);
	}

	/** Other unexpected responses and failed requests, described. */
	List<String> otherFailures() {
		return List.copyOf(this.otherFailures);
	}

	/** Every successful read; call after {@link #stop()}. */
	List<Read> reads() {
		return this.reads.stream().flatMap(List::stream).toList();
	}

	/** The number of acknowledged writes; call after {@link #stop()}. */
	int writes() {
		return this.acknowledged.values().stream().mapToInt(List::size).sum();
	}

	/**
	 * How long the acknowledged writes that began between the two instants took, in
	 * milliseconds, as {@code p50 / p99 / max}; call after {@link #stop()}.
	 */
	String writeMillis(Instant from, Instant to) {
		List<Long> millis = new ArrayList<>();
		for (List<long[]> times : this.writeTimes) {
			for (long[] time : times) {
				Instant began = instantOf(time[0]);
				if (!began.isBefore(from) && began.isBefore(to)) {
					millis.add(time[1] / 1_000_000);
				}
			}
		}
		if (millis.isEmpty()) {
			return "none";
		}
		Collections.sort(millis);
		return percentile(millis, 0.5) + " / " + percentile(millis, 0.99) + " / " + millis.getLast() + " ms ("
				+ millis.size() + " writes)";
	}

	private static long percentile(List<Long> sorted, double quantile) {
		return sorted.get(Math.max(0, (int) Math.ceil(quantile * sorted.size()) - 1));
	}

	/**
	 * Asserts that every product was written and that each instance now reads its last
	 * acknowledged stock: no acknowledged write was lost. Call after {@link #stop()},
	 * once the outbox has drained.
	 */
	void assertLastWritesVisible() {
		Map<String, Integer> last = new HashMap<>();
		this.acknowledged.forEach((id, writes) -> {
			if (!writes.isEmpty()) {
				last.put(id, writes.getLast().stock());
			}
		});
		assertThat(last).as("products written").hasSize(this.ids.size());
		for (int i = 0; i < this.instances.size(); i++) {
			for (Map.Entry<String, Integer> write : last.entrySet()) {
				assertThat(
						this.instances.get(i).get("/products/" + write.getKey()).json().get("stock_quantity").asInt())
					.as("stock of %s on instance %d after its last acknowledged write", write.getKey(), i)
					.isEqualTo(write.getValue());
			}
		}
	}

	/**
	 * The reads that began after a write of their product was acknowledged and showed an
	 * older stock; call after {@link #stop()}.
	 */
	List<StaleRead> staleReads() {
		List<StaleRead> stale = new ArrayList<>();
		for (Read read : reads()) {
			int newest = newestAcknowledgedBefore(read.id(), read.beganNanos());
			if (read.stock() < newest) {
				stale.add(new StaleRead(read, newest, instantOf(read.endedNanos())));
			}
		}
		return stale;
	}

	private int newestAcknowledgedBefore(String id, long nanos) {
		List<Write> writes = this.acknowledged.get(id);
		int low = 0;
		int high = writes.size();
		while (low < high) {
			int middle = (low + high) >>> 1;
			if (writes.get(middle).acknowledgedNanos() - nanos < 0) {
				low = middle + 1;
			}
			else {
				high = middle;
			}
		}
		return (low == 0) ? Integer.MIN_VALUE : writes.get(low - 1).stock();
	}

	/** The instant of a {@link System#nanoTime()} reading, on {@link TestTime}. */
	Instant instantOf(long nanos) {
		return TestTime.of(nanos);
	}

	/** Milliseconds from {@code from} to {@code to}, for reports. */
	static long millisBetween(Instant from, Instant to) {
		return Duration.between(from, to).toMillis();
	}

	record Read(String id, int instance, long beganNanos, long endedNanos, int stock, String cache) {
	}

	record Write(long acknowledgedNanos, int stock) {
	}

	/**
	 * A read that showed {@code read.stock()} although a write of {@code expectedAtLeast}
	 * had been acknowledged before it began.
	 */
	record StaleRead(Read read, int expectedAtLeast, Instant returnedAt) {

		@Override
		public String toString() {
			return "product " + this.read.id() + " on instance " + this.read.instance() + " returned stock "
					+ this.read.stock() + " (" + this.read.cache() + ") at " + this.returnedAt + " after stock "
					+ this.expectedAtLeast + " was acknowledged";
		}

	}

}
