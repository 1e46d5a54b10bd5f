package dev.productapi.tracing;

import java.util.List;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.micrometer.tracing.opentelemetry.autoconfigure.OpenTelemetryTracingAutoConfiguration;
import org.springframework.context.annotation.Condition;
import org.springframework.context.annotation.ConditionContext;
import org.springframework.core.type.AnnotatedTypeMetadata;

/**
 * Whether Spring Boot's OpenTelemetry tracing is configured at all: without an endpoint,
 * {@code EnvironmentSettings} leaves its auto-configuration out, and the beans that stand
 * in for some of its own have nothing to build on. Read as Spring Boot reads it, from
 * {@code spring.autoconfigure.exclude}.
 */
class OnTracingConfigured implements Condition {

	@Override
	public boolean matches(ConditionContext context, AnnotatedTypeMetadata metadata) {
		List<String> excluded = Binder.get(context.getEnvironment())
			.bind("spring.autoconfigure.exclude", Bindable.listOf(String.class))
			.orElse(List.of());
		return !excluded.contains(OpenTelemetryTracingAutoConfiguration.class.getName());
	}

}
