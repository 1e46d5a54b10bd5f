package dev.productapi.tracing;

import io.micrometer.core.instrument.observation.MeterObservationHandler;
import io.micrometer.observation.Observation;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.Ordered;
import org.springframework.core.annotation.Order;

@Configuration(proxyBeanMethods = false)
class TracingConfiguration {

	/**
	 * Keeps the steps' observations out of the metrics. Spring Boot gives each
	 * observation to the first meter handler that takes it, and this one takes the steps'
	 * and records nothing: a timer of only the sampled requests' steps would mislead, and
	 * {@code product_cache_requests_total} already counts every lookup.
	 */
	@Bean
	@Order(Ordered.HIGHEST_PRECEDENCE)
	MeterObservationHandler<Observation.Context> stepsWithoutMeters() {
		return new MeterObservationHandler<>() {
			@Override
			public boolean supportsContext(Observation.Context context) {
				String name = context.getName();
				return name != null && name.startsWith(TracedSteps.PREFIX);
			}
		};
	}

}
