package dev.productapi.lifecycle;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.core.env.Environment;

import dev.productapi.support.Api.Response;
import dev.productapi.support.MissPathGate;
import dev.productapi.support.MissPathGate.Gate;
import dev.productapi.support.RunningApp;
import dev.productapi.support.TestDatabases;
import dev.productapi.support.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A rolling deploy's shutdown, on a real port: readiness falls first, the API keeps
 * serving new connections for {@code API_SHUTDOWN_DRAIN_SECONDS}, then Tomcat stops
 * accepting connections and lets the request in flight finish.
 * <p>
 * The request in flight is a product read held by {@link MissPathGate} between its
 * database read and its cache fill, so it is still running when the port closes, and it
 * is released only then. Every probe of the port goes over a new connection, as a load
 * balancer's would.
 */
class ShutdownDrainIT {

	/**
	 * Long enough for a readiness poll and one request on a busy machine; the test takes
	 * this long at least.
	 */
	private static final String DRAIN_SECONDS = "10";

	private static final String SEEDED = "/products/00000000-0000-4000-8000-000000000001";

	@RegisterExtension
	static final TestRedis redis = new TestRedis();

	@Test
	void readinessFallsFirstNewRequestsAreServedDuringTheDrainThenInFlightRequestsFinishAndThePortCloses()
			throws Exception {
		RunningApp app = RunningApp.start(
				RunningApp.settings(redis, TestDatabases.sqlite(), "API_SHUTDOWN_DRAIN_SECONDS", DRAIN_SECONDS),
				MissPathGate.class);
		int port = app.bean(Environment.class).getRequiredProperty("local.server.port", Integer.class);
		String product = "/products/" + app.api().create("In flight", "1.00", 1);
		assertThat(freshGet(port, "/actuator/health/readiness")).isEqualTo(200);

		ExecutorService threads = Executors.newFixedThreadPool(2);
		Gate gate = MissPathGate.arm();
		try {
			Future<Response> inFlight = threads.submit(() -> app.api().get(product));
			gate.awaitRead();
			Future<?> closing = threads.submit(app::close);

			// 1. Readiness answers 503, while new connections are still accepted and
			// served.
			await("readiness answers 503").atMost(Duration.ofSeconds(10))
				.until(() -> freshGet(port, "/actuator/health/readiness") == 503);
			assertThat(freshGet(port, SEEDED)).isEqualTo(200);
			assertThat(freshGet(port, "/actuator/health/liveness")).isEqualTo(200);
			assertThat(inFlight).isNotDone();

			// 2. After the drain, Tomcat closes its port with the request still in
			// flight, and the close waits for that request.
			await("the port refuses connections").atMost(Duration.ofSeconds(30)).until(() -> refusesConnections(port));
			assertThat(inFlight).isNotDone();
			assertThat(closing).isNotDone();

			// 3. Released, the request in flight completes with 200, and then the close.
			gate.release();
			Response response = inFlight.get(30, TimeUnit.SECONDS);
			assertThat(response.status()).isEqualTo(200);
			assertThat(response.json().get("name").asString()).isEqualTo("In flight");
			closing.get(60, TimeUnit.SECONDS);
			assertThat(refusesConnections(port)).isTrue();
		}
		finally {
			gate.release();
			app.close();
			threads.shutdownNow();
		}
	}

	/** A GET over a connection of its own; its status. */
	private static int freshGet(int port, String path) {
		try (HttpClient client = HttpClient.newBuilder().connectTimeout(Duration.ofSeconds(5)).build()) {
			HttpRequest request = HttpRequest.newBuilder(URI.create("http://127.0.0.1:" + port + path))
				.timeout(Duration.ofSeconds(10))
				.build();
			return client.send(request, BodyHandlers.discarding()).statusCode();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	private static boolean refusesConnections(int port) {
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 1000);
			return false;
		}
		catch (ConnectException ex) {
			return true;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
