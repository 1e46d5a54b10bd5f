package dev.productapi.lifecycle;

import java.io.IOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
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
 * readiness to {@code ACCEPTING_TRAFFIC}. {@value #CLIENTS} clients, each a virtual
 * thread, send the requests real clients send ({@link WarmUpRequests}: cache hits,
 * conditional reads, misses of unknown ids, pages, batches, and writes that change
 * nothing) to the server's own port on loopback, one request at a time over the JDK's
 * HTTP/1.1 client and its keep-alive connections, until the JIT has settled (it spent
 * less than {@value #SETTLED_PERCENT} % of the last second compiling, {@code MINIMUM} or
 * more after the start) or {@code API_WARMUP_SECONDS} have passed: the
 * {@link SettleRule}. Nothing it does is visible to clients but the metrics, which count
 * its requests.
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
		URI origin = URI.create("http://127.0.0.1:" + this.context.getWebServer().getPort());
		// Closing the client stops its selector thread and its executor's threads.
		try (HttpClient http = HttpClient.newBuilder()
			.version(HttpClient.Version.HTTP_1_1)
			.connectTimeout(Duration.ofSeconds(5))
			.build()) {
			List<HttpRequest> requests = WarmUpRequests.of(origin, productIds(http, origin), this.writeToken);
			AtomicBoolean running = new AtomicBoolean(true);
			AtomicLong sent = new AtomicLong();
			long started = System.nanoTime();
			try (ExecutorService clients = Executors.newVirtualThreadPerTaskExecutor()) {
				for (int i = 0; i < CLIENTS; i++) {
					clients.submit(() -> send(http, requests, running, sent));
				}
				try {
					awaitSettled(started, sent);
				}
				finally {
					running.set(false);
				}
			}
			logger.info("Warmed up in {} ms: {} requests", Duration.ofNanos(System.nanoTime() - started).toMillis(),
					sent.get());
		}
	}

	/**
	 * Waits until the {@link SettleRule} says the warm-up is over, logging each second.
	 */
	private void awaitSettled(long started, AtomicLong sent) throws InterruptedException {
		SettleRule rule = new SettleRule(MINIMUM, SETTLED_PERCENT, this.limit);
		JitActivity jit = new JitActivity();
		while (true) {
			Thread.sleep(1000);
			long compilingMillis = jit.compilingMillisSinceLastCall();
			Duration elapsed = Duration.ofNanos(System.nanoTime() - started);
			logger.info("Warming up: {} requests in {} s; the JIT compiled for {} ms in the last second", sent.get(),
					elapsed.toSeconds(), compilingMillis);
			if (rule.isOver(elapsed, compilingMillis)) {
				return;
			}
		}
	}

	/**
	 * One client: sends requests picked at random, one at a time, each read to its end,
	 * until the warm-up is over.
	 */
	private static void send(HttpClient http, List<HttpRequest> requests, AtomicBoolean running, AtomicLong sent) {
		while (running.get()) {
			try {
				http.send(requests.get(ThreadLocalRandom.current().nextInt(requests.size())),
						BodyHandlers.discarding());
				sent.incrementAndGet();
			}
			catch (IOException ex) {
				logger.debug("Warm-up connection failed: {}", ex.getMessage());
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
	}

	/** The ids of the products on the first page, the ones the warm-up reads. */
	private static List<String> productIds(HttpClient http, URI origin) throws InterruptedException {
		List<String> ids = new ArrayList<>();
		try {
			JsonNode page = json.readTree(
					http.send(WarmUpRequests.get(origin, WarmUpRequests.FIRST_PAGE).build(), BodyHandlers.ofString())
						.body());
			page.get("items").forEach((item) -> ids.add(item.get("id").asString()));
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Warm-up found no products to read: {}", ex.getMessage());
		}
		return ids;
	}

}
