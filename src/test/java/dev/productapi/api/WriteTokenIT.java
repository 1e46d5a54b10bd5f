package dev.productapi.api;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.ExtendWith;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.test.system.CapturedOutput;
import org.springframework.boot.test.system.OutputCaptureExtension;
import org.springframework.jdbc.core.simple.JdbcClient;

import dev.productapi.support.Api;
import dev.productapi.support.Api.Response;
import dev.productapi.support.ApiUnderTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code API_WRITE_TOKEN}: when set, writes need it as a bearer token (RFC 6750) and
 * reads stay open; when unset, writes are open and the start-up log says so.
 */
@ExtendWith(OutputCaptureExtension.class)
class WriteTokenIT {

	private static final String TOKEN = "write-token-for-tests-0123456789";

	private static final String CHALLENGE = "Bearer realm=\"product-api\"";

	private static final String PRODUCT = "{\"name\":\"Guarded\",\"price\":5,\"stock_quantity\":1}";

	@RegisterExtension
	static final ApiUnderTest guarded = ApiUnderTest.withSettings("API_WRITE_TOKEN", TOKEN);

	@RegisterExtension
	static final ApiUnderTest open = ApiUnderTest.withSettings();

	private final Api anonymous = guarded.api();

	private final Api writer = guarded.api().withWriteToken(TOKEN);

	@Test
	void writesWithoutATokenAre401WithABearerChallengeAndChangeNothing() {
		String path = "/products/" + writer.create("Untouched", "5.00", 1);

		for (Response response : new Response[] { anonymous.post("/products", PRODUCT),
				anonymous.put(path, "{\"price\": 6}"), anonymous.delete(path) }) {
			assertThat(response.status()).isEqualTo(401);
			assertThat(response.header("WWW-Authenticate")).isEqualTo(CHALLENGE);
			assertThat(response.contentType()).isEqualTo("application/problem+json");
			assertThat(response.json().get("status").asInt()).isEqualTo(401);
		}
		assertThat(anonymous.get(path).json().get("version").asLong()).isEqualTo(1);
	}

	@ParameterizedTest
	@ValueSource(strings = { "Bearer wrong-token", "Bearer " + TOKEN + "x", "bearer write-token-for-tests-012345678" })
	void aWrongTokenIs401InvalidToken(String authorization) {
		String path = "/products/" + writer.create("Still untouched", "5.00", 1);

		for (Response response : new Response[] {
				anonymous.request("POST", "/products", PRODUCT, "Authorization", authorization),
				anonymous.request("PUT", path, "{\"price\": 6}", "Authorization", authorization),
				anonymous.request("DELETE", path, null, "Authorization", authorization) }) {
			assertThat(response.status()).isEqualTo(401);
			assertThat(response.header("WWW-Authenticate")).isEqualTo(CHALLENGE + ", error=\"invalid_token\"");
			assertThat(response.contentType()).isEqualTo("application/problem+json");
		}
	}

	@Test
	void otherCredentialsCountAsNoToken() {
		Response response = anonymous.request("POST", "/products", PRODUCT, "Authorization", "Basic " + TOKEN);

		assertThat(response.status()).isEqualTo(401);
		assertThat(response.header("WWW-Authenticate")).isEqualTo(CHALLENGE);
	}

	@Test
	void theRightTokenWrites() {
		Response created = writer.post("/products", PRODUCT);
		String path = created.header("Location");

		assertThat(created.status()).isEqualTo(201);
		assertThat(writer.put(path, "{\"price\": 6}").status()).isEqualTo(200);
		assertThat(anonymous.request("DELETE", path, null, "Authorization", "bearer  " + TOKEN).status())
			.isEqualTo(204);
	}

	@Test
	void readsStayOpen() {
		String path = "/products/" + writer.create("Readable", "5.00", 1);

		assertThat(anonymous.get(path).status()).isEqualTo(200);
		assertThat(anonymous.request("GET", path, null, "Authorization", "Bearer wrong-token").status()).isEqualTo(200);
		assertThat(anonymous.request("HEAD", path, null).status()).isEqualTo(200);
		assertThat(anonymous.get("/health").status()).isEqualTo(200);
	}

	@Test
	void a401ComesBeforeTheBodyIsReadTheKeyClaimedOrAnythingValidated() {
		String key = UUID.randomUUID().toString();

		assertThat(anonymous.request("POST", "/products", PRODUCT, "Idempotency-Key", key).status()).isEqualTo(401);
		assertThat(anonymous.request("POST", "/products", PRODUCT, "Idempotency-Key", "").status()).isEqualTo(401);
		assertThat(anonymous.post("/products", "{\"name\":\"\",\"price\":-1}").status()).isEqualTo(401);
		assertThat(anonymous.post("/products", "not json").status()).isEqualTo(401);
		assertThat(anonymous.post("/products", "x".repeat(RequestBodyLimitFilter.MAX_BODY_BYTES + 1)).status())
			.isEqualTo(401);
		assertThat(guarded.app()
			.bean(JdbcClient.class)
			.sql("SELECT COUNT(*) FROM idempotency_keys WHERE idempotency_key = ?")
			.param(key)
			.query(Long.class)
			.single()).isZero();
		Response created = writer.request("POST", "/products", PRODUCT, "Idempotency-Key", key);
		assertThat(created.status()).isEqualTo(201);
		assertThat(created.header("Idempotent-Replayed")).isNull();
	}

	@Test
	void withoutATokenSetWritesAreOpen() {
		Api api = open.api();
		Response created = api.post("/products", PRODUCT);

		assertThat(created.status()).isEqualTo(201);
		assertThat(api.put(created.header("Location"), "{\"price\": 6}").status()).isEqualTo(200);
		assertThat(api.delete(created.header("Location")).status()).isEqualTo(204);
	}

	@Test
	void theStartUpLogSaysWhetherWritesAreOpenAndNeverShowsTheToken(CapturedOutput output) {
		assertThat(output.getOut()).contains("Writes are open to every client: set API_WRITE_TOKEN")
			.contains("Writes need the bearer token set in API_WRITE_TOKEN")
			.doesNotContain(TOKEN);
	}

}
