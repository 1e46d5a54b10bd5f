package dev.productapi.tracing;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.TracingAwareMeterObservationHandler;
import io.micrometer.tracing.handler.TracingObservationHandler;

/**
 * A meter handler (Spring Boot's {@code DefaultMeterObservationHandler}) whose timers
 * record with the observation's span current when that span is sampled, so that
 * Prometheus exemplars name it, as Micrometer's
 * {@link TracingAwareMeterObservationHandler} does for every span.
 * <p>
 * Only a sampled span can be an exemplar (the exemplar sampler asks whether the current
 * span is sampled), yet making a span current costs a scope: an OpenTelemetry context
 * attached and detached on the thread, three scope events and the log correlation fields
 * written and removed. For the server span of an unsampled request, that was a tenth of
 * what tracing cost a cache hit at sampling 0 (JFR, 2026-12-03); here it is skipped.
 * <p>
 * The cache protocol's steps ({@link TracedSteps.StepContext}) are not its concern: they
 * make spans only, no timers.
 */
final class SampledSpanMeterObservationHandler implements ObservationHandler<Observation.Context> {

	private final ObservationHandler<Observation.Context> delegate;

	private final Tracer tracer;

	SampledSpanMeterObservationHandler(ObservationHandler<Observation.Context> delegate, Tracer tracer) {
		this.delegate = delegate;
		this.tracer = tracer;
	}

	@Override
	public void onStart(Observation.Context context) {
		this.delegate.onStart(context);
	}

	@Override
	public void onError(Observation.Context context) {
		this.delegate.onError(context);
	}

	@Override
	public void onEvent(Observation.Event event, Observation.Context context) {
		this.delegate.onEvent(event, context);
	}

	@Override
	public void onScopeOpened(Observation.Context context) {
		this.delegate.onScopeOpened(context);
	}

	@Override
	public void onScopeClosed(Observation.Context context) {
		this.delegate.onScopeClosed(context);
	}

	@Override
	public void onScopeReset(Observation.Context context) {
		this.delegate.onScopeReset(context);
	}

	@Override
	public void onStop(Observation.Context context) {
		Span span = sampledSpan(context);
		if (span == null) {
			this.delegate.onStop(context);
			return;
		}
		try (Tracer.SpanInScope scope = this.tracer.withSpan(span)) {
			this.delegate.onStop(context);
		}
	}

	@Override
	public boolean supportsContext(Observation.Context context) {
		return !(context instanceof TracedSteps.StepContext) && this.delegate.supportsContext(context);
	}

	ObservationHandler<Observation.Context> delegate() {
		return this.delegate;
	}

	private static Span sampledSpan(Observation.Context context) {
		TracingObservationHandler.TracingContext tracing = context.get(TracingObservationHandler.TracingContext.class);
		Span span = (tracing != null) ? tracing.getSpan() : null;
		return (span != null && Boolean.TRUE.equals(span.context().sampled())) ? span : null;
	}

}
