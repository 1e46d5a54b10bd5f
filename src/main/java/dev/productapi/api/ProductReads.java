package dev.productapi.api;

import java.io.IOException;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;

import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import jakarta.servlet.AsyncContext;
import jakarta.servlet.http.HttpServletRequest;
import jakarta.servlet.http.HttpServletResponse;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

import org.springframework.http.HttpHeaders;
import org.springframework.http.HttpStatus;
import org.springframework.http.MediaType;
import org.springframework.stereotype.Component;

import dev.productapi.product.ProductService;
import dev.productapi.product.VersionedJson;

/**
 * Answers {@code GET /products/{id}}: the product's JSON as the cache or the database
 * holds it, or a 304 when {@code If-None-Match} names its version. Both ways in use it:
 * the {@link HitFastLane} for nearly every read, and {@link ProductController} for the
 * rest.
 * <p>
 * A hit from Redis completes on Lettuce's event loop and is written from there, so the
 * request's thread neither waits for the reply nor is woken for it. A miss completes, and
 * is written, on the thread that finished it. A failed read is dispatched back to the
 * controller, whose exception handlers answer it.
 */
@Component
class ProductReads {

	static final String CACHE_HEADER = "X-Cache";

	private static final Logger logger = LoggerFactory.getLogger(ProductReads.class);

	private static final ContextSnapshotFactory contexts = ContextSnapshotFactory.builder().build();

	/**
	 * The request attribute that carries a read's failure to the dispatch that answers
	 * it.
	 */
	private static final String FAILED_READ = ProductReads.class.getName() + ".failedRead";

	private final ProductService products;

	ProductReads(ProductService products) {
		this.products = products;
	}

	/**
	 * Reads the product and answers, now or when the read completes; or, if the read
	 * failed at once, answers nothing and leaves the failure on the request for
	 * {@link #rethrowFailedRead}.
	 * @param notWanted the versions of {@code If-None-Match}, or {@code null}
	 * @return whether the read is being answered
	 */
	boolean answer(UUID id, EntityTags notWanted, HttpServletRequest request, HttpServletResponse response)
			throws IOException {
		CompletableFuture<VersionedJson> reading = this.products.read(id);
		if (reading.isDone()) {
			// The near cache, a remembered unknown id, a pending invalidation or a
			// skipped
			// Redis answered on this thread.
			if (reading.isCompletedExceptionally()) {
				request.setAttribute(FAILED_READ, cause(reading.exceptionNow()));
				return false;
			}
			write(id, reading.resultNow(), notWanted, response);
			return true;
		}
		// What is done on the thread that completes the read needs the request's context
		// only for the log lines written there (a failure is dispatched back, and
		// Spring's
		// observation filter opens the request's observation again for that): either
		// thread answers in the request's context, its trace id in those lines, when this
		// class logs at debug. Otherwise it writes none, and putting a traced request's
		// context in place and taking it away again (scopes opened and closed, the log
		// correlation fields written twice) would be for nothing.
		ContextSnapshot context = logger.isDebugEnabled() ? contexts.captureAll() : null;
		AsyncContext async = request.startAsync();
		reading.whenComplete((product, failure) -> {
			if (context == null) {
				answer(id, product, failure, notWanted, request, response, async);
				return;
			}
			try (ContextSnapshot.Scope scope = context.setThreadLocals()) {
				answer(id, product, failure, notWanted, request, response, async);
			}
		});
		return true;
	}

	/**
	 * Throws the failure of a read that failed, in the dispatch that brought it to Spring
	 * MVC; does nothing in any other request.
	 */
	static void rethrowFailedRead(HttpServletRequest request) {
		if (request.getAttribute(FAILED_READ) instanceof RuntimeException failure) {
			throw failure;
		}
	}

	private static void answer(UUID id, VersionedJson product, Throwable failure, EntityTags notWanted,
			HttpServletRequest request, HttpServletResponse response, AsyncContext async) {
		if (failure != null) {
			request.setAttribute(FAILED_READ, cause(failure));
			async.dispatch();
			return;
		}
		try {
			write(id, product, notWanted, response);
		}
		catch (IOException | RuntimeException ex) {
			logger.debug("Could not answer a product read: {}", ex.getMessage());
		}
		finally {
			async.complete();
		}
	}

	private static RuntimeException cause(Throwable failure) {
		Throwable cause = (failure instanceof CompletionException) ? failure.getCause() : failure;
		return (cause instanceof RuntimeException runtime) ? runtime : new IllegalStateException(cause);
	}

	/**
	 * The product, or a 304 if the client has its version; the body goes into the
	 * server's response buffer, and the server sends it.
	 */
	private static void write(UUID id, VersionedJson product, EntityTags notWanted, HttpServletResponse response)
			throws IOException {
		// What a request did, for someone following one trace or one product in the logs.
		logger.debug("Product {} at version {}, cache {}", id, product.version(), product.cacheStatus());
		response.setHeader(HttpHeaders.ETAG, EntityTags.of(product.version()));
		response.setHeader(CACHE_HEADER, product.cacheStatus().name());
		if (notWanted != null && notWanted.matchesWeakly(product.version())) {
			response.setStatus(HttpStatus.NOT_MODIFIED.value());
			return;
		}
		response.setStatus(HttpStatus.OK.value());
		response.setContentType(MediaType.APPLICATION_JSON_VALUE);
		response.setContentLength(product.json().length);
		response.getOutputStream().write(product.json());
	}

}
