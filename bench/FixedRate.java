import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed-rate load generator free of coordinated omission, in the manner of wrk2: requests
 * are sent on a fixed schedule whatever the server does, and each latency is measured from the
 * moment the request was due, not from when it was sent. Debian has no wrk2; this is its
 * stand-in. Run: java bench/FixedRate.java URL_TEMPLATE RATE SECONDS PRODUCTS
 * where URL_TEMPLATE may contain one format specifier (%d, %012x) for a random product number (1..PRODUCTS).
 */
public class FixedRate {

	public static void main(String[] args) throws Exception {
		String template = args[0];
		int rate = Integer.parseInt(args[1]);
		int seconds = Integer.parseInt(args[2]);
		int products = Integer.parseInt(args[3]);
		int total = rate * seconds;
		long[] latencies = new long[total];
		AtomicInteger failures = new AtomicInteger();
		AtomicInteger done = new AtomicInteger();
		HttpClient client = HttpClient.newBuilder().version(HttpClient.Version.HTTP_1_1).build();
		long intervalNanos = 1_000_000_000L / rate;
		long start = System.nanoTime() + 100_000_000L;
		for (int i = 0; i < total; i++) {
			long due = start + i * intervalNanos;
			long wait;
			while ((wait = due - System.nanoTime()) > 0) {
				LockSupport.parkNanos(wait);
			}
			int index = i;
			String url = template.contains("%")
					? template.formatted(1 + ThreadLocalRandom.current().nextInt(products)) : template;
			client.sendAsync(HttpRequest.newBuilder(URI.create(url)).build(), BodyHandlers.discarding())
				.whenComplete((response, failure) -> {
					latencies[index] = System.nanoTime() - due;
					if (failure != null || response.statusCode() != 200) {
						failures.incrementAndGet();
					}
					done.incrementAndGet();
				});
		}
		long deadline = System.nanoTime() + Duration.ofSeconds(30).toNanos();
		while (done.get() < total && System.nanoTime() < deadline) {
			Thread.sleep(10);
		}
		long[] sorted = Arrays.copyOf(latencies, done.get());
		Arrays.sort(sorted);
		System.out.printf("RESULT rps=%d p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f requests=%d non2xx=%d socket_errors=0%n",
				rate, millis(sorted, 0.50), millis(sorted, 0.99), millis(sorted, 0.999), total, failures.get() + total - done.get());
	}

	private static double millis(long[] sorted, double quantile) {
		return sorted[(int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)] / 1e6;
	}

}
