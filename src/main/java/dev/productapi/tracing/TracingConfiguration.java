package dev.productapi.tracing;

import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.micrometer.core.instrument.config.MeterFilter;
import io.micrometer.tracing.exporter.SpanExportingPredicate;
import io.micrometer.tracing.exporter.SpanFilter;
import io.micrometer.tracing.exporter.SpanReporter;
import io.micrometer.tracing.otel.bridge.CompositeSpanExporter;
import io.opentelemetry.api.metrics.MeterProvider;
import io.opentelemetry.sdk.trace.export.BatchSpanProcessor;
import io.opentelemetry.sdk.trace.export.SpanExporter;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.micrometer.tracing.autoconfigure.ConditionalOnEnabledTracingExport;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingProperties;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.SpanExporters;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Conditional;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class TracingConfiguration {

	private static final Set<String> STEPS = Set.of(TracedSteps.LOOKUP, TracedSteps.LEASE, TracedSteps.FILL,
			TracedSteps.INVALIDATE, TracedSteps.DATABASE_READ);

	/** The steps' timers and their long task timers ({@code .active}). */
	private static final Set<String> STEP_METERS = STEPS.stream()
		.flatMap((step) -> Stream.of(step, step + ".active"))
		.collect(Collectors.toUnmodifiableSet());

	/**
	 * Keeps the steps' observations out of the metrics: they make spans, but their timers
	 * are dropped. A timer of only the sampled requests' steps would mislead, and
	 * {@code product_cache_requests_total} already counts every lookup. A filter costs
	 * nothing outside sampled traces, where the steps are not observed at all; a meter
	 * handler of its own would be consulted for every observation of every request. A
	 * denied meter is not remembered by the registry, so the filter runs at every start
	 * and stop of a step in a sampled trace: one look-up in a set.
	 */
	@Bean
	MeterFilter noTimersForTracedSteps() {
		return MeterFilter.deny((id) -> STEP_METERS.contains(id.getName()));
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
