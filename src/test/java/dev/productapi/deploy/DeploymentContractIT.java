package dev.productapi.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.extension.RegisterExtension;
import tools.jackson.databind.JsonNode;
import tools.jackson.databind.json.JsonMapper;

import dev.productapi.support.Api;
import dev.productapi.support.Api.Response;
import dev.productapi.support.ApiUnderTest;

import static dev.productapi.deploy.DeployFiles.at;
import static dev.productapi.deploy.DeployFiles.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What {@code deploy/} expects of the running API: the metrics that the Prometheus rules
 * and the Grafana dashboard read are served, on the path Prometheus scrapes, and the
 * Kubernetes probes answer. A name that no longer exists (a renamed meter, buckets no
 * longer published) would leave an alert that never fires and an empty panel, with no
 * error anywhere.
 */
class DeploymentContractIT {

	private static final Pattern LABEL_VALUES = Pattern.compile("label_values\\(\\s*([^,)]+)");

	@RegisterExtension
	static final ApiUnderTest app = ApiUnderTest.withSettings();

	private final Api api = app.api();

	@Test
	void everyMetricTheRulesAndTheDashboardReadIsServed() throws IOException {
		// Traffic, so that every series that appears only once used does: a miss, a hit,
		// a 404, a write with its invalidation.
		String product = "/products/" + api.create("Teapot", "24.00", 2);
		assertThat(api.get(product).cache()).isEqualTo("MISS");
		assertThat(api.get(product).cache()).isEqualTo("HIT");
		assertThat(api.get("/products/" + UUID.randomUUID()).status()).isEqualTo(404);
		// The GC pause timer is registered at the first collection the JVM reports; a
		// running API has one within seconds, this test's app maybe not.
		System.gc();
		await("a garbage collection reported").atMost(Duration.ofSeconds(10))
			.until(() -> served().contains("jvm_gc_pause_seconds_count"));

		Set<String> served = served();
		Map<String, Object> rulesFile = yaml(DeployFiles.PROMETHEUS.resolve("rules.yml"));
		assertThat(notIn(served, rulesMetrics(rulesFile)))
			.as("metrics that rules.yml reads, but the API does not serve")
			.isEmpty();
		try (Stream<Path> dashboards = Files.list(DeployFiles.GRAFANA_DASHBOARDS)) {
			for (Path dashboard : dashboards.toList()) {
				Set<String> names = dashboardMetrics(dashboard);
				names.removeAll(recorded(rulesFile));
				assertThat(names).as("metrics of %s", dashboard).isNotEmpty();
				assertThat(notIn(served, names)).as("metrics that %s reads, but the API does not serve", dashboard)
					.isEmpty();
			}
		}
	}

	@Test
	void theKubernetesProbesAnswer() {
		for (String path : DeployFiles.probePaths()) {
			Response probe = api.get(path);
			assertThat(probe.status()).as(path).isEqualTo(200);
			assertThat(probe.json().get("status").asString()).as(path).isEqualTo("UP");
		}
	}

	/**
	 * The names of the samples on the page Prometheus scrapes, suffixes included: the
	 * rules name samples, not families.
	 */
	private Set<String> served() {
		List<Map<String, Object>> scrapeConfigs = at(yaml(DeployFiles.PROMETHEUS.resolve("prometheus.yml")),
				"scrape_configs");
		Response page = api.get((String) scrapeConfigs.getFirst().get("metrics_path"));
		assertThat(page.status()).isEqualTo(200);
		return page.body()
			.lines()
			.filter((line) -> !line.isBlank() && !line.startsWith("#"))
			.map((line) -> line.split("[{ ]", 2)[0])
			.collect(Collectors.toSet());
	}

	private static Set<String> notIn(Set<String> served, Set<String> names) {
		Set<String> missing = new LinkedHashSet<>(names);
		missing.removeAll(served);
		return missing;
	}

	/** The metrics the rules read; not the rules' own records, which Prometheus makes. */
	private static Set<String> rulesMetrics(Map<String, Object> rulesFile) {
		Set<String> names = new LinkedHashSet<>();
		for (Map<String, Object> rule : rules(rulesFile)) {
			names.addAll(PromQlNames.of(at(rule, "expr")));
		}
		names.removeAll(recorded(rulesFile));
		assertThat(names).as("metrics of rules.yml").isNotEmpty();
		return names;
	}

	private static Set<String> recorded(Map<String, Object> rulesFile) {
		return rules(rulesFile).stream()
			.filter((rule) -> rule.containsKey("record"))
			.map((rule) -> (String) rule.get("record"))
			.collect(Collectors.toSet());
	}

	private static List<Map<String, Object>> rules(Map<String, Object> rulesFile) {
		List<Map<String, Object>> groups = at(rulesFile, "groups");
		return groups.stream()
			.flatMap((group) -> DeployFiles.<List<Map<String, Object>>>at(group, "rules").stream())
			.toList();
	}

	/**
	 * The metrics of every query in a dashboard: the panels' {@code expr}, and the
	 * template variables' queries, where {@code label_values(metric, label)} reads only
	 * the metric.
	 */
	private static Set<String> dashboardMetrics(Path dashboard) {
		Set<String> names = new LinkedHashSet<>();
		JsonNode root = JsonMapper.builder().build().readTree(DeployFiles.read(dashboard));
		for (JsonNode expression : root.findValues("expr")) {
			names.addAll(PromQlNames.of(expression.asString()));
		}
		for (JsonNode variable : root.path("templating").path("list")) {
			JsonNode query = variable.path("query");
			String text = query.isObject() ? query.path("query").asString() : query.asString();
			Matcher labelValues = LABEL_VALUES.matcher(text);
			names.addAll(PromQlNames.of(labelValues.find() ? labelValues.group(1) : text));
		}
		return names;
	}

}
