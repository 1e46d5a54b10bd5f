import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.util.concurrent.atomic.AtomicLong;

import com.sun.net.httpserver.HttpServer;

/**
 * A stand-in OTLP/HTTP collector for bench/tracing-cost.sh: reads each export and answers
 * 200 with an empty body (an empty ExportTraceServiceResponse), on one thread with
 * keep-alive, so that it costs the machine little beside the JVMs measured. On SIGTERM it
 * prints how many exports and bytes it took.
 * <p>
 * {@code java bench/OtlpSink.java PORT}
 */
public final class OtlpSink {

	public static void main(String[] args) throws IOException {
		AtomicLong exports = new AtomicLong();
		AtomicLong bytes = new AtomicLong();
		HttpServer server = HttpServer.create(new InetSocketAddress("127.0.0.1", Integer.parseInt(args[0])), 64);
		byte[] buffer = new byte[64 * 1024];
		server.createContext("/", (exchange) -> {
			long read = 0;
			try (InputStream body = exchange.getRequestBody()) {
				for (int n; (n = body.read(buffer)) > 0;) {
					read += n;
				}
			}
			exports.incrementAndGet();
			bytes.addAndGet(read);
			exchange.getResponseHeaders().set("Content-Type", "application/x-protobuf");
			exchange.sendResponseHeaders(200, -1);
			exchange.close();
		});
		Runtime.getRuntime()
			.addShutdownHook(new Thread(() -> System.out.println("otlp-sink exports=" + exports.get() + " bytes="
					+ bytes.get())));
		server.start();
	}

}
