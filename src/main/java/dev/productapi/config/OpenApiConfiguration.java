package dev.productapi.config;

import io.swagger.v3.oas.models.OpenAPI;
import io.swagger.v3.oas.models.info.Info;
import io.swagger.v3.oas.models.info.License;

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

}
