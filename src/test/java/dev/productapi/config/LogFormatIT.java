package dev.productapi.config;

import java.util.List;
import java.util.Map;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.productapi.support.AppProcess;
import dev.productapi.support.RunningApp;
import dev.productapi.support.TestDatabases;
import dev.productapi.support.TestRedis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * {@code LOG_FORMAT}: with {@code json}, every line the process prints is one JSON
 * object, from start-up to shutdown and in the report of a bad setting; by default, lines
 * of text. Each case is a process of its own: logging is set up once per JVM.
 */
class LogFormatIT {

	private static final JsonMapper json = JsonMapper.builder().build();

	@RegisterExtension
	static final TestRedis redis = new TestRedis();

	@Test
	void jsonMakesEveryLineOneEcsObjectFromStartToShutdown() {
		List<String> lines;
		try (AppProcess app = AppProcess
			.start(RunningApp.settings(redis, TestDatabases.sqlite(), "LOG_FORMAT", "json"))) {
			app.awaitStarted();
			app.close();
			lines = app.output();
		}

		List<JsonNode> objects = parseEach(lines);
		assertThat(objects).anySatisfy((line) -> {
			assertThat(line.path("message").asString()).startsWith("Started ProductApiApplication");
			assertThat(line.path("log").path("level").asString()).isEqualTo("INFO");
			assertThat(line.path("ecs").path("version").isMissingNode()).isFalse();
		});
		assertThat(objects).anySatisfy((line) -> assertThat(line.path("message").asString()).contains("shutdown"));
	}

	@Test
	void jsonAlsoCarriesTheReportOfABadSetting() {
		List<String> lines;
		try (AppProcess app = AppProcess
			.start(Map.of("LOG_FORMAT", "json", "CACHE_TTL_SECONDS", "abc", "DATABASE_URL", TestDatabases.sqlite()))) {
			assertThat(app.awaitExit()).isNotZero();
			lines = app.output();
		}

		assertThat(parseEach(lines)).anySatisfy((line) -> {
			assertThat(line.path("log").path("level").asString()).isEqualTo("ERROR");
			assertThat(line.path("message").asString()).contains("Invalid configuration: CACHE_TTL_SECONDS is 'abc'");
		});
	}

	@Test
	void aBadSettingOfRedisIsReportedInJsonToo() {
		List<String> lines;
		try (AppProcess app = AppProcess.start(Map.of("LOG_FORMAT", "json", "REDIS_URL", "redis://localhost:1",
				"REDIS_CLUSTER_NODES", "localhost:2", "DATABASE_URL", TestDatabases.sqlite()))) {
			assertThat(app.awaitExit()).isNotZero();
			lines = app.output();
		}

		assertThat(parseEach(lines))
			.anySatisfy((line) -> assertThat(line.path("message").asString()).contains("Invalid configuration: "));
	}

	@Test
	void textIsTheDefault() {
		List<String> lines;
		try (AppProcess app = AppProcess.start(RunningApp.settings(redis, TestDatabases.sqlite()))) {
			app.awaitStarted();
			lines = app.output();
		}

		String started = lines.stream()
			.filter((line) -> line.contains("Started ProductApiApplication"))
			.findFirst()
			.orElseThrow();
		assertThat(started).doesNotStartWith("{").contains(" INFO ");
	}

	@Test
	void anUnknownFormatIsRefusedNamingTheVariable() {
		List<String> lines;
		try (AppProcess app = AppProcess.start(Map.of("LOG_FORMAT", "xml", "DATABASE_URL", TestDatabases.sqlite()))) {
			assertThat(app.awaitExit()).isNotZero();
			lines = app.output();
		}

		assertThat(String.join("\n", lines))
			.contains("Invalid configuration: LOG_FORMAT is 'xml', but must be one of text, json");
	}

	/** Each line as JSON; fails naming the first line that is not one JSON object. */
	private static List<JsonNode> parseEach(List<String> lines) {
		assertThat(lines).isNotEmpty();
		return lines.stream().map((line) -> {
			JsonNode node;
			try {
				node = json.readTree(line);
			}
			catch (RuntimeException ex) {
				throw new AssertionError("Not JSON: " + line, ex);
			}
			assertThat(node.isObject()).as("one JSON object: %s", line).isTrue();
			return node;
		}).toList();
	}

}
