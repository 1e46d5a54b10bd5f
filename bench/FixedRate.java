import java.io.BufferedInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.net.URI;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

/**
 * A fixed-rate load generator free of coordinated omission, in the manner of wrk2, which
 * Debian does not package. Request i is due at start + i / rate. A fixed set of keep-alive
 * connections takes requests in order; a connection waits until its request is due, sends it,
 * and measures its latency from the moment it was due, so time a request spent queued behind
 * a slow server counts, as it would for a real client.
 *
 * The first fifth of the requests warms the generator up and is left out of the figures.
 *
 * java bench/FixedRate.java URL RATE SECONDS CONNECTIONS PRODUCTS [METHOD BODY]
 * URL may hold one format specifier (%d, %012x) that is replaced by a random 1..PRODUCTS.
 * METHOD (GET by default) may be PUT, with a JSON BODY whose one %d, if any, is replaced by a
 * random 0..999: the write-latency run sends {"stock_quantity": %d}. Any status other than
 * 200 counts as a failure.
 */
public class FixedRate {

	public static void main(String[] args) throws Exception {
		URI base = URI.create(args[0]);
		int rate = Integer.parseInt(args[1]);
		int total = rate * Integer.parseInt(args[2]);
		int connections = Integer.parseInt(args[3]);
		int products = Integer.parseInt(args[4]);
		String method = (args.length > 5) ? args[5] : "GET";
		String body = (args.length > 6) ? args[6] : null;
		long[] latencies = new long[total];
		AtomicInteger next = new AtomicInteger();
		AtomicInteger failures = new AtomicInteger();
		long start = System.nanoTime() + 200_000_000L;
		long interval = 1_000_000_000L / rate;
		Thread[] workers = new Thread[connections];
		for (int c = 0; c < connections; c++) {
			workers[c] = Thread.ofVirtual().start(() -> {
				Connection connection = null;
				for (int i = next.getAndIncrement(); i < total; i = next.getAndIncrement()) {
					long due = start + i * interval;
					long wait;
					while ((wait = due - System.nanoTime()) > 0) {
						LockSupport.parkNanos(wait);
					}
					String path = base.getRawPath().contains("%")
							? base.getRawPath().formatted(1 + ThreadLocalRandom.current().nextInt(products)) : base.getRawPath();
					try {
						if (connection == null) {
							connection = new Connection(base);
						}
						String content = (body != null && body.contains("%"))
								? body.formatted(ThreadLocalRandom.current().nextInt(1000)) : body;
						if (connection.send(method, path, content) != 200) {
							failures.incrementAndGet();
						}
						if (connection.closed) {
							connection.socket.close();
							connection = null;
						}
					}
					catch (IOException | RuntimeException ex) {
						// a broken or unreadable response: count it, and start over on a new
						// connection, whose stream is in a known state
						failures.incrementAndGet();
						if (connection != null) {
							connection.close();
						}
						connection = null;
					}
					latencies[i] = System.nanoTime() - due;
				}
			});
		}
		for (Thread worker : workers) {
			worker.join();
		}
		// The first fifth is the generator's own warm-up (its JIT, its connections): not measured.
		long[] sorted = Arrays.copyOfRange(latencies, total / 5, total);
		Arrays.sort(sorted);
		System.out.printf("RESULT rps=%d p50_ms=%.3f p99_ms=%.3f p999_ms=%.3f requests=%d non2xx=%d socket_errors=0%n",
				rate, millis(sorted, 0.50), millis(sorted, 0.99), millis(sorted, 0.999), total, failures.get());
	}

	/** One keep-alive HTTP/1.1 connection; the server may close it after any response. */
	private static final class Connection {

		final Socket socket;

		final OutputStream out;

		final InputStream in;

		final String host;

		boolean closed;

		Connection(URI base) throws IOException {
			this.socket = new Socket(base.getHost(), base.getPort());
			this.socket.setTcpNoDelay(true);
			this.out = this.socket.getOutputStream();
			this.in = new BufferedInputStream(this.socket.getInputStream());
			this.host = base.getHost();
		}

		/**
		 * Sends a request (with a JSON body unless {@code body} is null) and reads the
		 * whole response; returns its status.
		 */
		int send(String method, String path, String body) throws IOException {
			StringBuilder request = new StringBuilder(method).append(' ')
				.append(path)
				.append(" HTTP/1.1\r\nHost: ")
				.append(this.host)
				.append("\r\n");
			byte[] content = (body != null) ? body.getBytes(StandardCharsets.UTF_8) : new byte[0];
			if (body != null) {
				request.append("Content-Type: application/json\r\nContent-Length: ")
					.append(content.length)
					.append("\r\n");
			}
			this.out.write(request.append("\r\n").toString().getBytes(StandardCharsets.US_ASCII));
			this.out.write(content);
			this.out.flush();
			StringBuilder head = new StringBuilder();
			while (head.length() < 4 || head.lastIndexOf("\r\n\r\n") != head.length() - 4) {
				int b = this.in.read();
				if (b == -1) {
					throw new IOException("connection closed");
				}
				head.append((char) b);
			}
			int length = 0;
			boolean chunked = false;
			for (String line : head.toString().split("\r\n")) {
				if (line.regionMatches(true, 0, "Content-Length:", 0, 15)) {
					length = Integer.parseInt(line.substring(15).trim());
				}
				if (line.regionMatches(true, 0, "Transfer-Encoding: chunked", 0, 26)) {
					chunked = true;
				}
				if (line.regionMatches(true, 0, "Connection: close", 0, 17)) {
					this.closed = true;
				}
			}
			// A cached product's GET has a Content-Length; a PUT's JSON is written by a
			// converter and comes chunked.
			if (chunked) {
				skipChunks();
			}
			else {
				this.in.readNBytes(length);
			}
			return Integer.parseInt(head.substring(9, 12));
		}

		/** Reads a chunked body to its end: size lines, data, and the final empty chunk. */
		private void skipChunks() throws IOException {
			while (true) {
				String sizeLine = readLine();
				int semicolon = sizeLine.indexOf(';');
				int size = Integer.parseInt((semicolon < 0) ? sizeLine : sizeLine.substring(0, semicolon), 16);
				if (size == 0) {
					while (!readLine().isEmpty()) {
						// trailers, if any, up to the empty line
					}
					return;
				}
				this.in.readNBytes(size);
				readLine();
			}
		}

		private String readLine() throws IOException {
			StringBuilder line = new StringBuilder();
			int b;
			while ((b = this.in.read()) != '\n') {
				if (b == -1) {
					throw new IOException("connection closed");
				}
				if (b != '\r') {
					line.append((char) b);
				}
			}
			return line.toString();
		}

		void close() {
			try {
				this.socket.close();
			}
			catch (IOException ex) {
				// closing a broken connection
			}
		}

	}

	private static double millis(long[] sorted, double quantile) {
		return sorted[(int) Math.min(sorted.length - 1, Math.ceil(quantile * sorted.length) - 1)] / 1e6;
	}

}
