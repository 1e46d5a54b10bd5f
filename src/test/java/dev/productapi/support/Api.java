package dev.productapi.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.URI;
import java.net.http.HttpClient;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublisher;
import java.net.http.HttpRequest.BodyPublishers;
import java.net.http.HttpResponse;
import java.net.http.HttpResponse.BodyHandlers;
import java.time.Duration;
import java.util.List;
import java.util.Map;

import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

/** A plain HTTP client for one running API: real requests over a real socket. */
public final class Api {

	private static final JsonMapper json = JsonMapper.builder().build();

	private final HttpClient client = HttpClient.newBuilder()
		.connectTimeout(Duration.ofSeconds(5))
		.followRedirects(HttpClient.Redirect.NORMAL)
		.build();

	private final String baseUrl;

	/** Sent as a bearer token with every write that has no Authorization of its own. */
	private final String writeToken;

	/** A client for an API on this port of the local machine. */
	public static Api onPort(int port) {
		return new Api(port);
	}

	Api(int port) {
		this("http://127.0.0.1:" + port, null);
	}

	private Api(String baseUrl, String writeToken) {
		this.baseUrl = baseUrl;
		this.writeToken = writeToken;
	}

	/**
	 * A client of the same API that sends {@code Authorization: Bearer <token>} with
	 * every write (any method but GET and HEAD) unless the request has its own.
	 */
	public Api withWriteToken(String token) {
		return new Api(this.baseUrl, token);
	}

	public Response get(String path) {
		return send(request(path).GET());
	}

	public Response post(String path, String body) {
		return send(request(path).header("Content-Type", "application/json").POST(BodyPublishers.ofString(body)));
	}

	public Response put(String path, String body) {
		return send(request(path).header("Content-Type", "application/json").PUT(BodyPublishers.ofString(body)));
	}

	public Response delete(String path) {
		return send(request(path).DELETE());
	}

	public Response send(String method, String path, String contentType, BodyPublisher body) {
		return send(request(path).header("Content-Type", contentType).method(method, body));
	}

	/**
	 * Any request, with headers as name-value pairs; a body, if any, is sent as JSON.
	 */
	public Response request(String method, String path, String body, String... headers) {
		HttpRequest.Builder request = request(path).method(method,
				(body != null) ? BodyPublishers.ofString(body) : BodyPublishers.noBody());
		if (body != null) {
			request.header("Content-Type", "application/json");
		}
		for (int i = 0; i < headers.length; i += 2) {
			request.header(headers[i], headers[i + 1]);
		}
		return send(request);
	}

	/** Creates a product and returns its id. */
	public String create(String name, String price, int stock) {
		Response response = post("/products",
				"{\"name\":\"%s\",\"price\":%s,\"stock_quantity\":%d}".formatted(name, price, stock));
		if (response.status() != 201) {
			throw new AssertionError("Could not create a product: " + response);
		}
		return response.json().get("id").asString();
	}

	private HttpRequest.Builder request(String path) {
		return HttpRequest.newBuilder(URI.create(this.baseUrl + path)).timeout(Duration.ofSeconds(30));
	}

	private Response send(HttpRequest.Builder builder) {
		HttpRequest request = builder.build();
		if (this.writeToken != null && !List.of("GET", "HEAD").contains(request.method())
				&& request.headers().firstValue("Authorization").isEmpty()) {
			request = HttpRequest.newBuilder(request, (name, value) -> true)
				.header("Authorization", "Bearer " + this.writeToken)
				.build();
		}
		try {
			HttpResponse<String> response = this.client.send(request, BodyHandlers.ofString());
			return new Response(response.statusCode(), response.headers().firstValue("Content-Type").orElse(""),
					response.headers().firstValue("X-Cache").orElse(null), response.body(), response.headers().map());
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
	}

	public record Response(int status, String contentType, String cache, String body,
			Map<String, List<String>> headers) {

		public JsonNode json() {
			return json.readTree(this.body);
		}

		public String etag() {
			return header("ETag");
		}

		/** The first value of a header, or {@code null}. */
		public String header(String name) {
			return this.headers.entrySet()
				.stream()
				.filter((header) -> header.getKey().equalsIgnoreCase(name))
				.map((header) -> header.getValue().getFirst())
				.findFirst()
				.orElse(null);
		}

	}

	public static JsonNode parse(String text) {
		return json.readTree(text);
	}

}
