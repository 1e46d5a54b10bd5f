package dev.productapi.tracing;

import java.util.ArrayList;
import java.util.List;

import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationHandler.FirstMatchingCompositeObservationHandler;
import io.micrometer.observation.ObservationRegistry.ObservationConfig;
import io.micrometer.tracing.Tracer;
import io.micrometer.tracing.handler.TracingAwareMeterObservationHandler;
import io.micrometer.tracing.handler.TracingObservationHandler;

import org.springframework.boot.micrometer.observation.autoconfigure.ObservationHandlerGroup;

/**
 * Registers the tracing and meter handlers as Spring Boot's own group for them does (the
 * tracing handlers first, as one first-matching composite, then each meter handler),
 * except that a meter handler is wrapped in a {@link SampledSpanMeterObservationHandler}
 * instead of Micrometer's {@link TracingAwareMeterObservationHandler}: the span is made
 * current for the timers only when it is sampled.
 * <p>
 * Spring Boot gives a handler to the first group, in their order, that claims it; this
 * group sorts before all others (its handler type is not a meter handler's, which puts
 * Spring Boot's tracing group after it), so it claims the same handlers and Spring Boot's
 * group is left with none.
 */
final class SampledSpanMeterHandlerGroup implements ObservationHandlerGroup {

	private final Tracer tracer;

	SampledSpanMeterHandlerGroup(Tracer tracer) {
		this.tracer = tracer;
	}

	@Override
	public boolean isMember(ObservationHandler<?> handler) {
		return handler instanceof MeterObservationHandler || handler instanceof TracingObservationHandler;
	}

	@Override
	@SuppressWarnings("unchecked")
	public void registerMembers(ObservationConfig config, List<ObservationHandler<?>> members) {
		List<ObservationHandler<?>> tracing = new ArrayList<>(members.size());
		List<ObservationHandler<?>> meters = new ArrayList<>(members.size());
		for (ObservationHandler<?> member : members) {
			if (member instanceof MeterObservationHandler && !(member instanceof TracingAwareMeterObservationHandler)) {
				meters.add(new SampledSpanMeterObservationHandler((ObservationHandler<Observation.Context>) member,
						this.tracer));
			}
			else {
				tracing.add(member);
			}
		}
		register(config, tracing);
		register(config, meters);
	}

	private static void register(ObservationConfig config, List<ObservationHandler<?>> handlers) {
		if (handlers.size() == 1) {
			config.observationHandler(handlers.getFirst());
		}
		else if (!handlers.isEmpty()) {
			config.observationHandler(new FirstMatchingCompositeObservationHandler(handlers));
		}
	}

	@Override
	public int compareTo(ObservationHandlerGroup other) {
		return (other instanceof SampledSpanMeterHandlerGroup) ? 0 : -1;
	}

	@Override
	public Class<?> handlerType() {
		return TracingObservationHandler.class;
	}

}
