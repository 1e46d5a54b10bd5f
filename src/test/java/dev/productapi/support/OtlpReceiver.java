package dev.productapi.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in OpenTelemetry collector on a loopback port: it accepts every OTLP/HTTP
 * export and records which path each went to and in what content type.
 */
public final class OtlpReceiver implements AutoCloseable {

	private final HttpServer server;

	private final List<String> exports = new CopyOnWriteArrayList<>();

	private OtlpReceiver(HttpServer server) {
		this.server = server;
	}

	public static OtlpReceiver start() {
		try {
			HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", 0), 0);
			OtlpReceiver receiver = new OtlpReceiver(server);
			server.createContext("/", (exchange) -> {
				exchange.getRequestBody().readAllBytes();
				receiver.exports.add(exchange.getRequestMethod() + " " + exchange.getRequestURI().getPath() + " "
						+ exchange.getRequestHeaders().getFirst("Content-Type"));
				exchange.sendResponseHeaders(200, -1);
				exchange.close();
			});
			server.start();
			return receiver;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** The base URL, as OTEL_EXPORTER_OTLP_ENDPOINT takes it. */
	public String url() {
		return "http://127.0.0.1:" + this.server.getAddress().getPort();
	}

	/** Every export so far: "POST /v1/traces application/x-protobuf". */
	public List<String> exports() {
		return List.copyOf(this.exports);
	}

	@Override
	public void close() {
		this.server.stop(0);
	}

}
