package dev.productapi.tracing;

import java.util.Set;

import io.micrometer.core.instrument.config.MeterFilter;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class TracingConfiguration {

	private static final Set<String> STEPS = Set.of(TracedSteps.LOOKUP, TracedSteps.LEASE, TracedSteps.FILL,
			TracedSteps.INVALIDATE, TracedSteps.DATABASE_READ);

	/**
	 * Keeps the steps' observations out of the metrics: they make spans, but their timers
	 * are dropped. A timer of only the sampled requests' steps would mislead, and
	 * {@code product_cache_requests_total} already counts every lookup. A filter costs
	 * nothing outside sampled traces, where the steps are not observed at all; a meter
	 * handler of its own would be consulted for every observation of every request.
	 */
	@Bean
	MeterFilter noTimersForTracedSteps() {
		return MeterFilter.deny((id) -> STEPS.contains(id.getName())
				|| (id.getName().endsWith(".active") && STEPS.contains(id.getName().replaceFirst("\\.active$", ""))));
	}

}
