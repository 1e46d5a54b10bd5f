package dev.productapi.tracing;

import java.util.List;

import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.exporter.SpanExportingPredicate;
import io.micrometer.tracing.exporter.SpanFilter;
import io.micrometer.tracing.exporter.SpanReporter;
import io.micrometer.tracing.otel.bridge.CompositeSpanExporter;
import io.micrometer.tracing.propagation.Propagator;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationHandlerGroup;
import org.springframework.boot.micrometer.tracing.autoconfigure.ConditionalOnEnabledTracingExport;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingProperties;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.SpanExporters;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

@Configuration(proxyBeanMethods = false)
class TracingConfiguration {

	/**
	 * Spring Boot's tracing handlers, adjusted where they did work for spans that record
	 * nothing.
	 */
	@Configuration(proxyBeanMethods = false)
	@Conditional(OnTracingConfigured.class)
	static class Handlers {

		/**
		 * Spring Boot's server span handler (same order, same tracer and propagator),
		 * which leaves the tags off an unsampled span: see
		 * {@link RecordedSpanTaggingReceiverHandler}.
		 */
		@Bean
		@Order(MicrometerTracingAutoConfiguration.RECEIVER_TRACING_OBSERVATION_HANDLER_ORDER)
		RecordedSpanTaggingReceiverHandler recordedSpanTaggingReceiverHandler(Tracer tracer, Propagator propagator) {
			return new RecordedSpanTaggingReceiverHandler(tracer, propagator);
		}

		/**
		 * The meter handler puts the span in scope for exemplars only when it is sampled,
		 * and leaves the cache protocol's steps alone: see
		 * {@link SampledSpanMeterObservationHandler}. Without it, every request's server
		 * span was made current while its timer recorded (a scope, its events and the log
		 * correlation fields), and every step of a sampled trace looked up, and was
		 * denied, a timer and a long task timer (a meter filter kept them out of the
		 * metrics, consulted at each start and stop).
		 */
		@Bean
		ObservationHandlerGroup sampledSpanMeterHandlerGroup(Tracer tracer) {
			return new SampledSpanMeterHandlerGroup(tracer);
		}

	}

	/**
	 * What replaces Spring Boot's batch span processor when spans are exported.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnClass(BatchSpanProcessor.class)
	@ConditionalOnEnabledTracingExport
	@Conditional(OnTracingConfigured.class)
	static class SpanExport {

		/**
		 * Spring Boot's batch span processor, with its settings
		 * ({@code management.opentelemetry.tracing.export.*}) and its exporters, less the
		 * Micrometer wrapper in front of them when there is nothing for the wrapper to
		 * do.
		 * <p>
		 * Spring Boot puts Micrometer's {@link CompositeSpanExporter} between the
		 * processor and the exporters, so that {@link SpanExportingPredicate},
		 * {@link SpanReporter} and {@link SpanFilter} beans can see each span. It copies
		 * every span, whether there are such beans or not, and the copy builds a new
		 * {@code Resource} and new {@code Attributes} each time the exporter asks for
		 * them: the OTLP exporter then groups spans by resource identity, so every span
		 * became a resource of its own, with the service's resource attributes marshalled
		 * again for each, and its attributes sorted again each time they were read. With
		 * none of those beans declared (this application has none), the spans go to the
		 * exporters as the SDK made them; declare one and the wrapper comes back.
		 */
		@Bean
		BatchSpanProcessor productApiSpanProcessor(SpanExporters exporters, OpenTelemetryTracingProperties properties,
				ObjectProvider<SpanExportingPredicate> predicates, ObjectProvider<SpanReporter> reporters,
				ObjectProvider<SpanFilter> filters, ObjectProvider<MeterProvider> meterProvider) {
			List<SpanExportingPredicate> predicateList = predicates.orderedStream().toList();
			List<SpanReporter> reporterList = reporters.orderedStream().toList();
			List<SpanFilter> filterList = filters.orderedStream().toList();
			SpanExporter exporter = (predicateList.isEmpty() && reporterList.isEmpty() && filterList.isEmpty())
					? SpanExporter.composite(exporters.list())
					: new CompositeSpanExporter(exporters.list(), predicateList, reporterList, filterList);
			OpenTelemetryTracingProperties.Export export = properties.getExport();
			var builder = BatchSpanProcessor.builder(exporter)
				.setExportUnsampledSpans(export.isIncludeUnsampled())
				.setExporterTimeout(export.getTimeout())
				.setMaxExportBatchSize(export.getMaxBatchSize())
				.setMaxQueueSize(export.getMaxQueueSize())
				.setScheduleDelay(export.getScheduleDelay());
			meterProvider.ifAvailable(builder::setMeterProvider);
			return builder.build();
		}

	}

}
