package dev.productapi.lifecycle;

import java.io.BufferedInputStream;
import java.io.EOFException;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.management.CompilationMXBean;
import java.lang.management.ManagementFactory;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.UUID;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import org.slf4j.Logger;
import org.slf4j.LoggerFactory;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.ApplicationArguments;
import org.springframework.boot.ApplicationRunner;
import org.springframework.boot.web.server.context.WebServerApplicationContext;
import org.springframework.stereotype.Component;

/**
 * Runs the API's own request path before the instance reports ready, so that the JIT has
 * compiled it by the time a load balancer sends real traffic. A fresh JVM interprets,
 * then compiles, the code a request runs; for the first tens of seconds it serves a
 * fraction of its steady throughput, with long tails, which is exactly when a rolling
 * deploy or a scale-out hands it its share of the load.
 * <p>
 * It runs as an {@link ApplicationRunner}: after Tomcat listens, before Spring Boot turns
 * readiness to {@code ACCEPTING_TRAFFIC}. A few clients on loopback send the requests
 * real clients send (cache hits, conditional reads, misses of unknown ids, pages,
 * batches, and writes that change nothing: to an unknown id, or with an invalid body),
 * until the JIT has settled (it spent less than {@value #SETTLED_PERCENT} % of the last
 * second compiling) or {@code API_WARMUP_SECONDS} have passed. Nothing it does is visible
 * to clients but the metrics, which count its requests.
 */
@Component
class WarmUp implements ApplicationRunner {

	private static final Logger logger = LoggerFactory.getLogger(WarmUp.class);

	private static final int CLIENTS = 16;

	private static final Duration MINIMUM = Duration.ofSeconds(2);

	private static final int SETTLED_PERCENT = 5;

	private static final JsonMapper json = JsonMapper.builder().build();

	private final WebServerApplicationContext context;

	private final Duration limit;

	private final String writeToken;

	WarmUp(WebServerApplicationContext context, @Value("${product-api.warm-up.limit}") Duration limit,
			@Value("${product-api.write-token:}") String writeToken) {
		this.context = context;
		this.limit = limit;
		this.writeToken = writeToken;
	}

	@Override
	public void run(ApplicationArguments arguments) throws InterruptedException {
		if (this.limit.isZero()) {
			return;
		}
		int port = this.context.getWebServer().getPort();
		List<byte[]> requests = requests(port);
		AtomicBoolean running = new AtomicBoolean(true);
		AtomicLong sent = new AtomicLong();
		long started = System.nanoTime();
		try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
			for (int i = 0; i < CLIENTS; i++) {
				clients.submit(() -> send(port, requests, running, sent));
			}
			awaitSettled(started, sent);
			running.set(false);
		}
		logger.info("Warmed up in {} ms: {} requests", Duration.ofNanos(System.nanoTime() - started).toMillis(),
				sent.get());
	}

	/**
	 * Waits until the JIT is mostly idle, or the time limit is reached, logging each
	 * second.
	 */
	private void awaitSettled(long started, AtomicLong sent) throws InterruptedException {
		CompilationMXBean compiler = ManagementFactory.getCompilationMXBean();
		long compiledBefore = compiler.getTotalCompilationTime();
		while (true) {
			Thread.sleep(1000);
			long compiled = compiler.getTotalCompilationTime();
			long compilingMillis = compiled - compiledBefore;
			compiledBefore = compiled;
			Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
			logger.info("Warming up: {} requests in {} s; the JIT compiled for {} ms in the last second", sent.get(),
					elapsed.toSeconds(), compilingMillis);
			boolean settled = compilingMillis * 100 < 1000L * SETTLED_PERCENT && elapsed.compareTo(MINIMUM) >= 0;
			if (settled || elapsed.compareTo(this.limit) >= 0) {
				return;
			}
		}
	}

	/**
	 * One client: a keep-alive connection that sends requests picked at random and reads
	 * each response. Plain HTTP/1.1 over a socket, because a full HTTP client would spend
	 * the warm-up warming itself up.
	 */
	private static void send(int port, List<byte[]> requests, AtomicBoolean running, AtomicLong sent) {
		while (running.get()) {
			try (Socket socket = new Socket("127.0.0.1", port)) {
				socket.setSoTimeout(10_000);
				OutputStream out = socket.getOutputStream();
				InputStream in = new BufferedInputStream(socket.getInputStream());
				while (running.get()) {
					out.write(requests.get(ThreadLocalRandom.current().nextInt(requests.size())));
					out.flush();
					readResponse(in);
					sent.incrementAndGet();
				}
			}
			catch (IOException ex) {
				logger.debug("Warm-up connection failed: {}", ex.getMessage());
			}
		}
	}

	/** Reads one response: its headers, then as many bytes as Content-Length says. */
	private static void readResponse(InputStream in) throws IOException {
		int contentLength = 0;
		StringBuilder line = new StringBuilder();
		while (true) {
			int b = in.read();
			if (b < 0) {
				throw new EOFException("The connection closed mid-response");
			}
			if (b != '\n') {
				if (b != '\r') {
					line.append((char) b);
				}
				continue;
			}
			if (line.isEmpty()) {
				break;
			}
			String header = line.toString().toLowerCase(Locale.ROOT);
			if (header.startsWith("content-length:")) {
				contentLength = Integer.parseInt(header.substring("content-length:".length()).trim());
			}
			line.setLength(0);
		}
		in.skipNBytes(contentLength);
	}

	/**
	 * What real clients send, weighted like a read-mostly catalog: mostly reads of
	 * products that exist (from the first page of the list), a few of everything else.
	 */
	private List<byte[]> requests(int port) {
		List<String> ids = new ArrayList<>();
		try {
			HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build();
			JsonNode page = json.readTree(
					client
						.send(HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + "/products?limit=20"))
							.build(), BodyHandlers.ofString())
						.body());
			page.get("items").forEach((item) -> ids.add(item.get("id").asString()));
		}
		catch (Exception ex) {
			logger.debug("Warm-up found no products to read: {}", ex.getMessage());
		}
		String unknown = "/products/" + UUID.randomUUID();
		List<byte[]> requests = new ArrayList<>();
		for (String id : ids) {
			for (int i = 0; i < 10; i++) {
				requests.add(request("GET", "/products/" + id, null, ""));
			}
			requests.add(request("GET", "/products/" + id, null, "If-None-Match: \"1\"\r\n"));
		}
		requests.add(request("GET", unknown, null, ""));
		requests.add(request("GET", "/products?limit=20", null, ""));
		if (!ids.isEmpty()) {
			requests.add(request("GET", "/products?ids=" + String.join(",", ids), null, ""));
		}
		String authorization = this.writeToken.isEmpty() ? "" : "Authorization: Bearer " + this.writeToken + "\r\n";
		requests.add(request("PUT", unknown, "{\"price\": 1.00}", authorization));
		requests.add(request("POST", "/products", "{}", authorization));
		return requests;
	}

	private static byte[] request(String method, String path, String body, String headers) {
		byte[] content = (body != null) ? body.getBytes(StandardCharsets.UTF_8) : new byte[0];
		String head = method + " " + path + " HTTP/1.1\r\nHost: 127.0.0.1\r\n" + headers
				+ ((body != null) ? "Content-Type: application/json\r\nContent-Length: " + content.length + "\r\n" : "")
				+ "\r\n";
		byte[] bytes = Arrays.copyOf(head.getBytes(StandardCharsets.US_ASCII), head.length() + content.length);
		System.arraycopy(content, 0, bytes, head.length(), content.length);
		return bytes;
	}

}
