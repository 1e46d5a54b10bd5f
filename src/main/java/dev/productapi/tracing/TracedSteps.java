package dev.productapi.tracing;

import java.util.function.Supplier;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.tracing.Span;
import io.micrometer.tracing.Tracer;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Observations of the cache protocol's steps ({@code product.cache.lookup},
 * {@code product.cache.lease}, {@code product.db.read}, {@code product.cache.fill},
 * {@code product.cache.invalidate}), each a child span of the current one.
 * <p>
 * A step is observed only inside a sampled trace. Everywhere else (tracing off, that is
 * no {@link Tracer} at all, a request the sampler left out, or no request) the
 * observation is {@link Observation#NOOP}: a hit then pays one check of the current span
 * instead of an observation's context, handlers and scope for a span nobody will see.
 */
@Component
public class TracedSteps {

	public static final String LOOKUP = "product.cache.lookup";

	public static final String LEASE = "product.cache.lease";

	public static final String FILL = "product.cache.fill";

	public static final String INVALIDATE = "product.cache.invalidate";

	public static final String DATABASE_READ = "product.db.read";

	private final ObservationRegistry registry;

	private final Tracer tracer;

	@Autowired
	public TracedSteps(ObservationRegistry registry, ObjectProvider<Tracer> tracer) {
		this.registry = registry;
		this.tracer = tracer.getIfAvailable();
	}

	/** A steps object that never observes anything, for tests of other classes. */
	public static TracedSteps none() {
		return new TracedSteps(ObservationRegistry.NOOP, (Tracer) null);
	}

	private TracedSteps(ObservationRegistry registry, Tracer tracer) {
		this.registry = registry;
		this.tracer = tracer;
	}

	/**
	 * The step, started as a child of the current observation; stop it when the step
	 * ends, on any thread.
	 */
	public Observation start(String name) {
		if (!sampled()) {
			return Observation.NOOP;
		}
		return Observation.start(name, StepContext::new, this.registry);
	}

	/**
	 * Runs the step in its span, current while it runs, so that what the step logs
	 * carries the step's span id; a failure is recorded on the span.
	 */
	public <T> T observe(String name, Supplier<T> step) {
		if (!sampled()) {
			return step.get();
		}
		return Observation.createNotStarted(name, StepContext::new, this.registry).observe(step);
	}

	/**
	 * The context of a step's observation: a span only, which the meter handler leaves
	 * alone ({@code SampledSpanMeterObservationHandler}).
	 */
	public static final class StepContext extends Observation.Context {

	}

	private boolean sampled() {
		if (this.tracer == null) {
			return false;
		}
		Span current = this.tracer.currentSpan();
		return current != null && Boolean.TRUE.equals(current.context().sampled());
	}

}
