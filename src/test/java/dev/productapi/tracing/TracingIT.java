package dev.productapi.tracing;

import java.time.Duration;
import java.util.Collection;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.ObservationHandler.FirstMatchingCompositeObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.PropagatingReceiverTracingObservationHandler;
import io.micrometer.tracing.handler.TracingAwareMeterObservationHandler;
import io.opentelemetry.api.common.AttributeKey;
import io.opentelemetry.api.trace.SpanKind;
import io.opentelemetry.sdk.testing.exporter.InMemorySpanExporter;
import io.opentelemetry.sdk.trace.SdkTracerProvider;
import io.opentelemetry.sdk.trace.data.SpanData;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.test.util.ReflectionTestUtils;

import dev.productapi.support.Api.Response;
import dev.productapi.support.ApiUnderTest;
import dev.productapi.support.OtlpReceiver;
import dev.productapi.support.RunningApp;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What a trace of a request shows, exported as an operator would configure it: the server
 * span named by its route, and under it the cache protocol's steps; the log lines of a
 * request carry its trace id on whichever thread wrote them. Each request sends a
 * {@code traceparent} of its own, so its spans are told apart by their trace id.
 */
@ExtendWith(OutputCaptureExtension.class)
class TracingIT {

	private static final OtlpReceiver collector = OtlpReceiver.start();

	/** Beside the OTLP exporter, so the test can read the spans back. */
	private static final InMemorySpanExporter spans = InMemorySpanExporter.create();

	@RegisterExtension
	static final ApiUnderTest app = ApiUnderTest
		.withSettings("OTEL_EXPORTER_OTLP_ENDPOINT", collector.url(), "TRACING_SAMPLING_PROBABILITY", "1.0",
				"logging.level.dev.productapi.api.ProductReads", "debug",
				"management.opentelemetry.tracing.export.schedule-delay", "100ms")
		.withSources(InMemoryExport.class);

	@AfterAll
	static void stopCollector() {
		collector.close();
	}

	@Test
	void aMissIsTheLookupThenLeaseDatabaseReadAndFillUnderTheServerSpan(CapturedOutput output) {
		String id = app.api().create("Lamp", "29.99", 5);
		String traceId = newTraceId();

		Response response = get(id, traceId);

		assertThat(response.cache()).isEqualTo("MISS");
		List<SpanData> trace = trace(traceId, 5);
		SpanData server = server(trace, "http get /products/{id}");
		assertThat(childrenOf(server, trace)).containsExactly("product.cache.lookup", "product.cache.lease",
				"product.db.read", "product.cache.fill");
		assertThat(span(trace, "product.cache.lookup").getAttributes().get(AttributeKey.stringKey("cache.result")))
			.isEqualTo("miss");
		assertThat(span(trace, "product.cache.fill").getAttributes().get(AttributeKey.stringKey("cache.fill")))
			.isEqualTo("stored");
		// Written on the virtual thread that finished the miss.
		assertThat(logLine(output, id, "MISS")).contains(traceId);
	}

	@Test
	void aHitIsTheLookupAloneAnsweredFromLettucesEventLoopInTheRequestsTrace(CapturedOutput output) {
		String id = app.api().create("Chair", "120.00", 2);
		assertThat(app.api().get("/products/" + id).cache()).isEqualTo("MISS");
		String traceId = newTraceId();

		Response response = get(id, traceId);

		assertThat(response.cache()).isEqualTo("HIT");
		List<SpanData> trace = trace(traceId, 2);
		SpanData server = server(trace, "http get /products/{id}");
		assertThat(childrenOf(server, trace)).containsExactly("product.cache.lookup");
		assertThat(span(trace, "product.cache.lookup").getAttributes().get(AttributeKey.stringKey("cache.result")))
			.isEqualTo("hit");
		assertThat(logLine(output, id, "HIT")).contains(traceId);
	}

	@Test
	void aHitAnsweredOnLettucesEventLoopLogsWithTheRequestsTraceId(CapturedOutput output) {
		String id = app.api().create("Stool", "45.00", 4);
		assertThat(app.api().get("/products/" + id).cache()).isEqualTo("MISS");
		// Redis may answer before the request's thread looks, which then answers itself;
		// most hits are answered on the event loop.
		for (int attempt = 0; attempt < 50; attempt++) {
			String traceId = newTraceId();
			assertThat(get(id, traceId).cache()).isEqualTo("HIT");
			String line = logLine(output, id, "HIT", traceId);
			// Lettuce's event loop threads are lettuce-nioEventLoop-<n>-<m>, which the
			// log
			// pattern cuts to its last 15 characters.
			if (line.contains("EventLoop-")) {
				return;
			}
		}
		throw new AssertionError("No hit of 50 was answered on Lettuce's event loop");
	}

	@Test
	void aWriteInvalidatesUnderItsServerSpan() {
		String id = app.api().create("Desk", "300.00", 1);
		String traceId = newTraceId();

		Response response = app.api()
			.request("PUT", "/products/" + id, "{\"price\":250.00}", "traceparent", traceparent(traceId));

		assertThat(response.status()).isEqualTo(200);
		List<SpanData> trace = trace(traceId, 2);
		SpanData server = server(trace, "http put /products/{id}");
		assertThat(childrenOf(server, trace)).containsExactly("product.cache.invalidate");
		assertThat(span(trace, "product.cache.invalidate").getAttributes().get(AttributeKey.stringKey("cache.delete")))
			.isEqualTo("confirmed");
	}

	@Test
	void theRequestsTimerRecordsWithItsSampledSpanCurrentSoAnExemplarNamesTheTrace() {
		String id = app.api().create("Bowl", "12.00", 8);
		String traceId = newTraceId();

		// A HEAD: a series of its own, whose first exemplar is taken as it comes
		// (Prometheus keeps a bucket's exemplar for some seconds before it takes
		// another).
		Response response = app.api().request("HEAD", "/products/" + id, null, "traceparent", traceparent(traceId));

		assertThat(response.status()).isEqualTo(200);
		await().atMost(Duration.ofSeconds(5))
			.until(() -> app.api()
				.request("GET", "/actuator/prometheus", null, "Accept", "application/openmetrics-text; version=1.0.0")
				.body()
				.lines()
				.anyMatch((line) -> line.startsWith("http_server_requests_seconds_bucket")
						&& line.contains("method=\"HEAD\"") && line.contains("trace_id=\"" + traceId + "\"")));
	}

	@Test
	void theStepsMakeSpansButNoMeters() {
		String id = app.api().create("Rug", "80.00", 2);
		String traceId = newTraceId();

		assertThat(get(id, traceId).cache()).isEqualTo("MISS");
		trace(traceId, 5);

		MeterRegistry meters = app.app().bean(MeterRegistry.class);
		List<String> steps = List.of(TracedSteps.LOOKUP, TracedSteps.LEASE, TracedSteps.DATABASE_READ, TracedSteps.FILL,
				TracedSteps.INVALIDATE);
		assertThat(meters.getMeters()).extracting((meter) -> meter.getId().getName())
			.doesNotContainAnyElementsOf(steps)
			.doesNotContainAnyElementsOf(steps.stream().map((step) -> step + ".active").toList())
			.contains("http.server.requests");
	}

	@Test
	void theMeterHandlerIsWrappedToScopeSampledSpansOnlyAndTheServerHandlerTagsRecordedSpansOnly() {
		ObservationRegistry registry = app.app().bean(ObservationRegistry.class);
		Collection<?> handlers = ReflectionTestUtils.invokeMethod(registry.observationConfig(),
				"getObservationHandlers");

		assertThat(handlers).hasAtLeastOneElementOfType(SampledSpanMeterObservationHandler.class)
			.doesNotHaveAnyElementsOfTypes(TracingAwareMeterObservationHandler.class);
		assertThat(handlers).filteredOn(FirstMatchingCompositeObservationHandler.class::isInstance)
			.flatExtracting((handler) -> ((FirstMatchingCompositeObservationHandler) handler).getHandlers())
			.hasAtLeastOneElementOfType(RecordedSpanTaggingReceiverHandler.class)
			.doesNotHaveAnyElementsOfTypes(TracingAwareMeterObservationHandler.class);
		assertThat(app.app().beanNames(PropagatingReceiverTracingObservationHandler.class)).hasSize(1);
	}

	@Test
	void spansLeaveInBatchesOf2048() {
		assertThat(app.app().bean(BatchSpanProcessor.class).toString()).contains("maxExportBatchSize=2048");
	}

	@Test
	void spansAreExportedOverOtlpHttpToTheEndpointsTracesPath() {
		get(app.api().create("Mug", "9.90", 3), newTraceId());

		await().atMost(Duration.ofSeconds(10))
			.until(() -> collector.exports().contains("POST /v1/traces application/x-protobuf"));
		assertThat(collector.exports()).allMatch((export) -> export.startsWith("POST /v1/traces "));
	}

	@Test
	void withoutAnEndpointThereIsNoTracerAndNoSpan(CapturedOutput output) {
		RunningApp untraced = app.startInstance("OTEL_EXPORTER_OTLP_ENDPOINT", "");
		String id = app.api().create("Pen", "1.00", 10);
		String traceId = newTraceId();

		Response response = untraced.api().request("GET", "/products/" + id, null, "traceparent", traceparent(traceId));

		assertThat(response.status()).isEqualTo(200);
		assertThat(untraced.beanNames(Tracer.class)).isEmpty();
		assertThat(untraced.beanNames(SdkTracerProvider.class)).isEmpty();
		assertThat(logLine(output, id, "MISS")).doesNotContain(traceId);
		flush();
		assertThat(spansOf(traceId)).isEmpty();
	}

	private static Response get(String id, String traceId) {
		return app.api().request("GET", "/products/" + id, null, "traceparent", traceparent(traceId));
	}

	private static String newTraceId() {
		byte[] bytes = new byte[16];
		ThreadLocalRandom.current().nextBytes(bytes);
		return HexFormat.of().formatHex(bytes);
	}

	/** A sampled trace whose caller's span is the request's parent. */
	private static String traceparent(String traceId) {
		return "00-" + traceId + "-00f067aa0ba902b7-01";
	}

	/**
	 * The trace's spans once it has at least this many: the server span ends after the
	 * response has been sent.
	 */
	private static List<SpanData> trace(String traceId, int spans) {
		return await().atMost(Duration.ofSeconds(10)).until(() -> {
			flush();
			return spansOf(traceId);
		}, (trace) -> trace.size() >= spans);
	}

	private static List<SpanData> spansOf(String traceId) {
		return spans.getFinishedSpanItems().stream().filter((span) -> span.getTraceId().equals(traceId)).toList();
	}

	private static void flush() {
		app.app().bean(SdkTracerProvider.class).forceFlush().join(10, TimeUnit.SECONDS);
	}

	/** The trace's server span, a child of the caller's span the traceparent named. */
	private static SpanData server(List<SpanData> trace, String name) {
		SpanData server = span(trace, name);
		assertThat(server.getKind()).isEqualTo(SpanKind.SERVER);
		assertThat(server.getParentSpanId()).isEqualTo("00f067aa0ba902b7");
		return server;
	}

	private static SpanData span(List<SpanData> trace, String name) {
		List<SpanData> named = trace.stream().filter((span) -> span.getName().equals(name)).toList();
		assertThat(named).as("spans named %s in %s", name, trace).hasSize(1);
		return named.getFirst();
	}

	/** The names of the span's children, in the order they started. */
	private static List<String> childrenOf(SpanData parent, List<SpanData> trace) {
		assertThat(trace).allMatch((span) -> span == parent || span.getParentSpanId().equals(parent.getSpanId()),
				"every other span is a child of " + parent.getName());
		return trace.stream()
			.filter((span) -> span.getParentSpanId().equals(parent.getSpanId()))
			.sorted((a, b) -> Long.compare(a.getStartEpochNanos(), b.getStartEpochNanos()))
			.map(SpanData::getName)
			.toList();
	}

	/** The console line the controller logged when it answered the read. */
	private static String logLine(CapturedOutput output, String id, String cache) {
		return logLine(output, id, cache, "");
	}

	/** The line the controller logged for this product, with this text in it. */
	private static String logLine(CapturedOutput output, String id, String cache, String containing) {
		String message = "Product " + id + " at version ";
		return await().atMost(Duration.ofSeconds(5))
			.until(() -> output.getOut()
				.lines()
				.filter((line) -> line.contains(message) && line.endsWith(cache) && line.contains(containing))
				.findFirst()
				.orElse(null), (line) -> line != null);
	}

	@Configuration(proxyBeanMethods = false)
	static class InMemoryExport {

		@Bean
		SpanExporter inMemorySpanExporter() {
			return spans;
		}

	}

}
