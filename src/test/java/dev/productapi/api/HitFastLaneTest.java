package dev.productapi.api;

import java.util.UUID;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

class HitFastLaneTest {

	@Test
	void takesAUuidWrittenAsUuidWritesIt() {
		UUID id = UUID.randomUUID();

		assertThat(HitFastLane.canonicalUuid(id.toString())).isEqualTo(id);
		assertThat(HitFastLane.canonicalUuid(id.toString().toUpperCase())).isEqualTo(id);
	}

	@ParameterizedTest
	@ValueSource(strings = { "", "1-1-1-1-1", "00000000-0000-4000-8000-00000000000g",
			"00000000-0000-4000-8000-0000000000001", "00000000-0000-4000-8000+000000000001",
			"000000000-000-4000-8000-000000000001", "00000000-0000-4000-8000-00000000%201" })
	void leavesAnyOtherIdToSpringMvc(String id) {
		assertThat(HitFastLane.canonicalUuid(id)).isNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "*/*", "application/json", "application/*", "text/html, application/json;q=0.5",
			"application/json; charset=UTF-8" })
	void takesAnAcceptThatJsonSatisfies(String accept) {
		assertThat(HitFastLane.acceptsJson(accept)).isTrue();
		assertThat(HitFastLane.acceptsJson(null)).isTrue();
	}

	@ParameterizedTest
	@ValueSource(strings = { "text/html", "application/xml, text/*", "not a media type", "application/problem+json" })
	void leavesAnyOtherAcceptToSpringMvc(String accept) {
		assertThat(HitFastLane.acceptsJson(accept)).isFalse();
	}

}
