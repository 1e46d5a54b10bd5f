package dev.productapi.config;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;
import io.swagger.v3.oas.models.responses.ApiResponse;
import org.springdoc.core.customizers.OpenApiCustomizer;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

@Configuration(proxyBeanMethods = false)
class OpenApiConfiguration {

	@Bean
	OpenAPI productApi() {
		return new OpenAPI().info(new Info().title("Product API")
			.version("v1")
			.description("""
					Product catalog with Redis cache-aside reads. `GET /products/{id}` reports what the \
					cache did in the `X-Cache` header (HIT, MISS or BYPASS). Errors are RFC 9457 problem \
					details; validation errors list each bad field under `errors`.""")
			.license(new License().name("Apache-2.0")));
	}

	/**
	 * Every product call may need the database, and answers 503 while it cannot; one
	 * place says so instead of an annotation on each operation.
	 */
	@Bean
	OpenApiCustomizer databaseUnavailableResponses() {
		ApiResponse unavailable = new ApiResponse().description(
				"""
						The database cannot answer (down, failing over, locked); problem+json, with 				Retry-After. Products in the cache are still served.""");
		return (openApi) -> openApi.getPaths()
			.entrySet()
			.stream()
			.filter((path) -> path.getKey().startsWith("/products"))
			.flatMap((path) -> path.getValue().readOperations().stream())
			.forEach((operation) -> operation.getResponses().addApiResponse("503", unavailable));
	}

}
