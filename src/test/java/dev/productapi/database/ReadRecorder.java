package dev.productapi.database;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import dev.productapi.support.Api;
import dev.productapi.support.Api.Response;
import dev.productapi.support.Await;

import static org.awaitility.Awaitility.await;

/**
 * Reads one product over and over in a virtual thread, from {@link #start} until
 * {@link #stop()}, and keeps what each read returned, so a test can say afterwards that
 * none was stale.
 */
final class ReadRecorder {

	private static final Pattern PRICE = Pattern.compile("\"price\":([0-9.]+)");

	private final List<Read> reads = new ArrayList<>();

	private final Thread thread;

	private volatile boolean running = true;

	private ReadRecorder(Api api, String path) {
		this.thread = Thread.ofVirtual().name("read-recorder").start(() -> {
			while (this.running) {
				try {
					Response response = api.get(path);
					Matcher price = PRICE.matcher(response.body());
					add(new Read(response.status(), price.find() ? price.group(1) : null, response.cache()));
				}
				catch (RuntimeException ex) {
					// no answer at all: status 0, which the test counts as a failure
					add(new Read(0, null, null));
				}
				Await.pause(Duration.ofMillis(20));
			}
		});
	}

	static ReadRecorder start(Api api, String path) {
		return new ReadRecorder(api, path);
	}

	/** Waits until this many more reads have been recorded. */
	void awaitMoreReads(int count) {
		int target = reads().size() + count;
		await(count + " more reads").atMost(Duration.ofSeconds(30)).until(() -> reads().size() >= target);
	}

	List<Read> stop() {
		this.running = false;
		try {
			this.thread.join();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		return reads();
	}

	synchronized List<Read> reads() {
		return new ArrayList<>(this.reads);
	}

	/** The latest read; there is one once {@link #awaitMoreReads} has returned. */
	synchronized Read last() {
		return this.reads.getLast();
	}

	/** How many reads got each status. */
	static Map<Integer, Long> statuses(List<Read> reads) {
		Map<Integer, Long> counts = new TreeMap<>();
		reads.forEach((read) -> counts.merge(read.status(), 1L, Long::sum));
		return counts;
	}

	private synchronized void add(Read read) {
		this.reads.add(read);
	}

	/** One read: its status, the price it returned if any, and its X-Cache. */
	record Read(int status, String price, String cache) {
	}

}
