package dev.productapi.api;

import java.util.concurrent.atomic.AtomicInteger;

import io.micrometer.core.instrument.MeterRegistry;
import jakarta.servlet.DispatcherType;
import jakarta.servlet.Filter;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.web.servlet.FilterRegistrationBean;
import org.springframework.context.annotation.Bean;
import org.springframework.core.Ordered;

import dev.productapi.support.Api;
import dev.productapi.support.Api.Response;
import dev.productapi.support.ApiUnderTest;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * {@link HitFastLane}: the reads it takes skip Spring MVC's dispatcher and are answered
 * and measured as before; the others reach Spring MVC, which answers them as it always
 * did. A test-only filter after the fast lane counts the requests that reach Spring MVC;
 * that it counts those passed on shows that it would count the others too.
 */
class HitFastLaneIT {

	@RegisterExtension
	static final ApiUnderTest app = ApiUnderTest.withSettings().withSources(DispatchCounter.class);

	private final Api api = app.api();

	private String path;

	@BeforeEach
	void cachedProduct() {
		this.path = "/products/" + api.create("Lamp", "30.00", 4);
		assertThat(api.get(this.path).cache()).isEqualTo("MISS");
	}

	@Test
	void aHitAndA304AreAnsweredWithoutTheDispatcherAndMeasuredUnderTheirRoute() {
		double before = settledOkCount();
		int dispatched = DispatchCounter.count.get();

		Response hit = api.get(this.path);
		Response notModified = api.request("GET", this.path, null, "If-None-Match", "W/\"1\"");
		Response upperCase = api.get(this.path.toUpperCase().replace("/PRODUCTS/", "/products/"));
		Response anyJson = api.request("GET", this.path, null, "Accept", "text/html;q=0.9, application/*");

		assertThat(DispatchCounter.count.get()).isEqualTo(dispatched);
		assertThat(hit.status()).isEqualTo(200);
		assertThat(hit.cache()).isEqualTo("HIT");
		assertThat(hit.etag()).isEqualTo("\"1\"");
		assertThat(hit.contentType()).isEqualTo("application/json");
		assertThat(hit.json().get("name").asString()).isEqualTo("Lamp");
		assertThat(notModified.status()).isEqualTo(304);
		assertThat(notModified.body()).isEmpty();
		assertThat(upperCase.body()).isEqualTo(hit.body());
		assertThat(anyJson.body()).isEqualTo(hit.body());
		assertThat(settledOkCount()).isEqualTo(before + 3);
	}

	@Test
	void whatTheFastLaneDoesNotTakeIsAnsweredBySpringMvc() {
		int dispatched = DispatchCounter.count.get();

		Response notAcceptable = api.request("GET", this.path, null, "Accept", "text/html");
		Response badCondition = api.request("GET", this.path, null, "If-None-Match", "1");
		Response head = api.request("HEAD", this.path, null);

		assertThat(notAcceptable.status()).isEqualTo(406);
		assertThat(badCondition.status()).isEqualTo(400);
		assertThat(badCondition.json().get("detail").asString()).startsWith("If-None-Match must be");
		assertThat(head.status()).isEqualTo(200);
		assertThat(head.etag()).isEqualTo("\"1\"");
		assertThat(head.body()).isEmpty();
		assertThat(DispatchCounter.count.get()).isEqualTo(dispatched + 3);
	}

	@Test
	void aReadThatFailsIsAnsweredByTheExceptionHandlers() {
		int dispatched = DispatchCounter.count.get();

		Response unknown = api.get("/products/00000000-0000-4000-8000-0000000000ff");
		Response malformed = api.get("/products/00000000-0000-4000-8000-0000000000fg");

		assertThat(unknown.status()).isEqualTo(404);
		assertThat(unknown.contentType()).isEqualTo("application/problem+json");
		assertThat(unknown.json().get("detail").asString()).contains("0000000000ff");
		assertThat(malformed.status()).isEqualTo(404);
		assertThat(DispatchCounter.count.get()).isEqualTo(dispatched + 2);
		await().untilAsserted(() -> assertThat(app.app()
			.bean(MeterRegistry.class)
			.get("http.server.requests")
			.tags("uri", HitFastLane.ROUTE, "status", "404", "exception", "none")
			.timer()
			.count()).isGreaterThanOrEqualTo(2));
	}

	/**
	 * The GETs answered 200 under the route, once no request is in flight: a request's
	 * timer stops when Tomcat completes its asynchronous processing, which can come just
	 * after the client has read the response.
	 */
	private static double settledOkCount() {
		MeterRegistry registry = app.app().bean(MeterRegistry.class);
		await().until(() -> registry.get("http.server.requests.active").longTaskTimer().activeTasks() == 0);
		return registry.get("http.server.requests")
			.tags("uri", HitFastLane.ROUTE, "method", "GET", "status", "200")
			.timer()
			.count();
	}

	/**
	 * Counts the requests that reach Spring MVC's dispatcher servlet for a product: its
	 * filter runs after every other, the fast lane included.
	 */
	static class DispatchCounter {

		static final AtomicInteger count = new AtomicInteger();

		@Bean
		FilterRegistrationBean<Filter> dispatchCounter() {
			Filter counter = (request, response, chain) -> {
				count.incrementAndGet();
				chain.doFilter(request, response);
			};
			FilterRegistrationBean<Filter> registration = new FilterRegistrationBean<>(counter);
			registration.addUrlPatterns("/products/*");
			registration.setDispatcherTypes(DispatcherType.REQUEST, DispatcherType.ASYNC);
			registration.setOrder(Ordered.LOWEST_PRECEDENCE);
			return registration;
		}

	}

}
