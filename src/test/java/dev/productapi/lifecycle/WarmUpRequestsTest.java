package dev.productapi.lifecycle;

import java.net.URI;
import java.net.http.HttpRequest;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Flow;
import java.util.function.Predicate;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What the warm-up sends: mostly reads of products that exist, and one of each other kind
 * of request, none of which changes anything.
 */
class WarmUpRequestsTest {

	private static final URI ORIGIN = URI.create("http://127.0.0.1:8123");

	private static final String TOKEN = "warm-up-token-0123456789";

	@Test
	void tenReadsAndOneConditionalReadOfEachProduct() {
		List<HttpRequest> requests = WarmUpRequests.of(ORIGIN, List.of("a", "b"), TOKEN);

		for (String id : List.of("a", "b")) {
			List<HttpRequest> reads = matching(requests, (request) -> request.method().equals("GET")
					&& request.uri().equals(URI.create("http://127.0.0.1:8123/products/" + id)));
			assertThat(reads).hasSize(11);
			assertThat(reads).filteredOn((read) -> read.headers().firstValue("If-None-Match").isEmpty()).hasSize(10);
			assertThat(reads)
				.filteredOn((read) -> read.headers().firstValue("If-None-Match").equals(Optional.of("\"1\"")))
				.hasSize(1);
		}
	}

	@Test
	void oneOfEachOtherRequest() {
		List<HttpRequest> requests = WarmUpRequests.of(ORIGIN, List.of("a", "b"), TOKEN);

		assertThat(requests).hasSize(2 * 11 + 5);
		assertThat(paths(requests, "GET")).contains("/products?limit=20", "/products?ids=a,b");
		String unknown = paths(requests, "PUT").getFirst();
		assertThat(unknown).matches("/products/[0-9a-f-]{36}");
		assertThat(paths(requests, "GET")).as("a miss of the unknown id").containsOnlyOnce(unknown);
		assertThat(paths(requests, "POST")).containsExactly("/products");
	}

	@Test
	void theWritesChangeNothingAndCarryTheWriteToken() {
		List<HttpRequest> writes = matching(WarmUpRequests.of(ORIGIN, List.of("a"), TOKEN),
				(request) -> !request.method().equals("GET"));

		assertThat(writes).extracting(HttpRequest::method).containsExactly("PUT", "POST");
		assertThat(writes).extracting(WarmUpRequestsTest::body).containsExactly("{\"price\": 1.00}", "{}");
		assertThat(writes).allSatisfy((write) -> {
			assertThat(write.headers().firstValue("Content-Type")).hasValue("application/json");
			assertThat(write.headers().firstValue("Authorization")).hasValue("Bearer " + TOKEN);
		});
	}

	@Test
	void withoutAWriteTokenNoRequestCarriesOne() {
		assertThat(WarmUpRequests.of(ORIGIN, List.of("a"), ""))
			.allSatisfy((request) -> assertThat(request.headers().firstValue("Authorization")).isEmpty());
	}

	@Test
	void withoutProductsItSendsTheRestAndNoBatch() {
		List<HttpRequest> requests = WarmUpRequests.of(ORIGIN, List.of(), TOKEN);

		assertThat(requests).extracting(HttpRequest::method).containsExactly("GET", "GET", "PUT", "POST");
		assertThat(paths(requests, "GET")).doesNotContain("/products?ids=");
	}

	@Test
	void everyRequestGoesToTheOriginAndHasATimeout() {
		assertThat(WarmUpRequests.of(ORIGIN, List.of("a"), TOKEN)).allSatisfy((request) -> {
			assertThat(request.uri().getScheme() + "://" + request.uri().getAuthority()).isEqualTo(ORIGIN.toString());
			assertThat(request.timeout()).hasValue(Duration.ofSeconds(10));
		});
	}

	private static List<HttpRequest> matching(List<HttpRequest> requests, Predicate<HttpRequest> condition) {
		return requests.stream().filter(condition).toList();
	}

	private static List<String> paths(List<HttpRequest> requests, String method) {
		return matching(requests, (request) -> request.method().equals(method)).stream()
			.map((request) -> request.uri().getRawPath()
					+ ((request.uri().getRawQuery() != null) ? "?" + request.uri().getRawQuery() : ""))
			.toList();
	}

	/** The request's body, read from its publisher. */
	private static String body(HttpRequest request) {
		HttpRequest.BodyPublisher publisher = request.bodyPublisher().orElseThrow();
		List<ByteBuffer> buffers = new ArrayList<>();
		CompletableFuture<Void> done = new CompletableFuture<>();
		publisher.subscribe(new Flow.Subscriber<>() {

			@Override
			public void onSubscribe(Flow.Subscription subscription) {
				subscription.request(Long.MAX_VALUE);
			}

			@Override
			public void onNext(ByteBuffer item) {
				buffers.add(item);
			}

			@Override
			public void onError(Throwable throwable) {
				done.completeExceptionally(throwable);
			}

			@Override
			public void onComplete() {
				done.complete(null);
			}

		});
		done.join();
		StringBuilder body = new StringBuilder();
		buffers.forEach((buffer) -> body.append(StandardCharsets.UTF_8.decode(buffer)));
		return body.toString();
	}

}
