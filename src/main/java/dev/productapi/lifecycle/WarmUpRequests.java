package dev.productapi.lifecycle;

import java.net.URI;
import java.net.http.HttpRequest;
import java.net.http.HttpRequest.BodyPublishers;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.UUID;

/**
 * What the warm-up sends: the requests real clients send, weighted like a read-mostly
 * catalog. Mostly reads of products that exist (ten per product of the first page), and
 * one of each of the rest: a conditional read per product (its {@code If-None-Match} an
 * old version), a miss of an unknown id, the first page, a batch of the page's products,
 * and two writes that change nothing (an update of the unknown id, and a create with an
 * invalid body).
 */
final class WarmUpRequests {

	/** How long a request may take before its client gives up on it and sends another. */
	static final Duration TIMEOUT = Duration.ofSeconds(10);

	/** The first page, from which the warm-up takes the products to read. */
	static final String FIRST_PAGE = "/products?limit=20";

	private static final int READS_PER_PRODUCT = 10;

	private WarmUpRequests() {
	}

	/**
	 * The requests to the server at {@code origin} ({@code http://host:port}), given the
	 * ids of the first page's products, each write carrying the write token if there is
	 * one ({@code ""} if not).
	 */
	static List<HttpRequest> of(URI origin, List<String> ids, String writeToken) {
		String unknown = "/products/" + UUID.randomUUID();
		List<HttpRequest> requests = new ArrayList<>();
		for (String id : ids) {
			for (int i = 0; i < READS_PER_PRODUCT; i++) {
				requests.add(get(origin, "/products/" + id).build());
			}
			requests.add(get(origin, "/products/" + id).header("If-None-Match", "\"1\"").build());
		}
		requests.add(get(origin, unknown).build());
		requests.add(get(origin, FIRST_PAGE).build());
		if (!ids.isEmpty()) {
			requests.add(get(origin, "/products?ids=" + String.join(",", ids)).build());
		}
		requests.add(write(origin, "PUT", unknown, "{\"price\": 1.00}", writeToken));
		requests.add(write(origin, "POST", "/products", "{}", writeToken));
		return List.copyOf(requests);
	}

	static HttpRequest.Builder get(URI origin, String path) {
		return HttpRequest.newBuilder(origin.resolve(path)).timeout(TIMEOUT);
	}

	private static HttpRequest write(URI origin, String method, String path, String json, String writeToken) {
		HttpRequest.Builder request = HttpRequest.newBuilder(origin.resolve(path))
			.timeout(TIMEOUT)
			.method(method, BodyPublishers.ofString(json))
			.header("Content-Type", "application/json");
		if (!writeToken.isEmpty()) {
			request.header("Authorization", "Bearer " + writeToken);
		}
		return request.build();
	}

}
