package dev.productapi.deploy;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.regex.Matcher;
import java.util.regex.Pattern;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import org.junit.jupiter.api.Test;

import org.springframework.boot.convert.DurationStyle;

import dev.productapi.config.InvalidSettingException;
import dev.productapi.config.Setting;
import dev.productapi.support.TranslatedSettings;

import static dev.productapi.deploy.DeployFiles.KUBERNETES;
import static dev.productapi.deploy.DeployFiles.at;
import static dev.productapi.deploy.DeployFiles.container;
import static dev.productapi.deploy.DeployFiles.deployment;
import static dev.productapi.deploy.DeployFiles.yaml;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * The Kubernetes manifests ({@code deploy/kubernetes/}) hold to what the API reads, how
 * it starts and stops, and how the image runs it. That their probe paths answer:
 * {@link DeploymentContractIT}.
 */
class KubernetesManifestsTest {

	/**
	 * Start-up to readiness without the warm-up, as measured on 2 cores (README): 3.6 s
	 * with the image's AOT cache, 8.1 s without. This allows a node a few times slower.
	 */
	private static final Duration START_UP = Duration.ofSeconds(30);

	/**
	 * Between the end of the shutdown phases and the kubelet's SIGKILL: the context's
	 * last beans (connection pools) close and the JVM exits.
	 */
	private static final Duration EXIT_MARGIN = Duration.ofSeconds(5);

	/**
	 * What the JVM needs beside the heap: metaspace and class space (about 100 MiB in
	 * {@code jvm_memory_used_bytes{area="nonheap"}} after the warm-up), the JIT's code,
	 * thread stacks, Lettuce's direct buffers and the allocator's own.
	 */
	private static final long NON_HEAP_MIB = 256;

	private static final Pattern ASSIGNMENT = Pattern.compile("^#?([A-Z][A-Z0-9_]+)=.*$");

	@Test
	void theKustomizationListsEveryManifest() throws IOException {
		List<String> resources = at(yaml(KUBERNETES.resolve("kustomization.yaml")), "resources");
		try (Stream<Path> files = Files.list(KUBERNETES)) {
			assertThat(resources).containsExactlyInAnyOrderElementsOf(files.map((file) -> file.getFileName().toString())
				.filter((name) -> name.endsWith(".yaml") && !name.equals("kustomization.yaml"))
				.toList());
		}
	}

	@Test
	void everyVariableTheManifestsSetIsASettingListedInEnvExample() throws IOException {
		Set<String> settings = Arrays.stream(Setting.values()).map(Setting::name).collect(Collectors.toSet());
		Set<String> envExample = Files.readAllLines(Path.of(".env.example"))
			.stream()
			.map(ASSIGNMENT::matcher)
			.filter(Matcher::matches)
			.map((assignment) -> assignment.group(1))
			.collect(Collectors.toSet());

		List<String> variables = new ArrayList<>();
		variables.addAll(configMap().keySet());
		variables.addAll(secret().keySet());
		List<Map<String, Object>> env = container().containsKey("env") ? at(container(), "env") : List.of();
		env.forEach((variable) -> variables.add(at(variable, "name")));

		assertThat(variables).isNotEmpty();
		assertThat(variables).as("variables that are not a Setting")
			.filteredOn((name) -> !settings.contains(name))
			.isEmpty();
		assertThat(variables).as("variables not in .env.example")
			.filteredOn((name) -> !envExample.contains(name))
			.isEmpty();
	}

	@Test
	void theApiAcceptsTheConfigMapAndTheSecretsPasswords() {
		Map<String, Object> variables = new LinkedHashMap<>(configMap());
		variables.put("DATABASE_PASSWORD", secret().get("DATABASE_PASSWORD"));
		variables.put("REDIS_PASSWORD", secret().get("REDIS_PASSWORD"));

		Map<String, Object> properties = TranslatedSettings.of(variables);

		assertThat(properties).containsEntry("spring.data.redis.sentinel.master", "mymaster")
			.containsEntry("spring.datasource.username", "products");
		assertThat((String) properties.get("spring.datasource.url")).startsWith("jdbc:postgresql://")
			.contains(",")
			.endsWith("?targetServerType=primary");
	}

	@Test
	void theSecretsPlaceholderTokenStopsStartUp() {
		// Deployed unedited, the example must not guard writes with a public token.
		assertThatExceptionOfType(InvalidSettingException.class)
			.isThrownBy(() -> TranslatedSettings.of(Map.of("API_WRITE_TOKEN", secret().get("API_WRITE_TOKEN"))));
	}

	@Test
	void theGracePeriodCoversTheDrainAndTheShutdownPhase() {
		Duration drain = Duration.ofSeconds(Integer.parseInt(setting(Setting.API_SHUTDOWN_DRAIN_SECONDS)));
		Duration shutdownPhase = DurationStyle.detectAndParse(at(yaml(Path.of("src/main/resources/application.yaml")),
				"spring", "lifecycle", "timeout-per-shutdown-phase"));
		Duration grace = Duration.ofSeconds(
				DeployFiles.<Integer>at(deployment(), "spec", "template", "spec", "terminationGracePeriodSeconds"));

		assertThat(grace).isGreaterThanOrEqualTo(preStopSleep().plus(drain).plus(shutdownPhase).plus(EXIT_MARGIN));
	}

	@Test
	void theStartupProbeWaitsForTheWarmUp() {
		Map<String, Object> probe = at(container(), "startupProbe");
		Duration warmUp = Duration.ofSeconds(Integer.parseInt(setting(Setting.API_WARMUP_SECONDS)));
		int initialDelay = (Integer) probe.getOrDefault("initialDelaySeconds", 0);
		int period = (Integer) probe.getOrDefault("periodSeconds", 10);
		int failures = (Integer) probe.getOrDefault("failureThreshold", 3);

		assertThat(Duration.ofSeconds(initialDelay + (long) period * failures))
			.isGreaterThanOrEqualTo(warmUp.plus(START_UP));
		// Only readiness waits for the warm-up; liveness answers as soon as Tomcat
		// listens.
		assertThat(DeployFiles.<String>at(probe, "httpGet", "path")).isEqualTo("/actuator/health/readiness");
	}

	@Test
	void theMemoryLimitLeavesRoomBesideTheHeap() {
		Matcher percentage = Pattern.compile("-XX:MaxRAMPercentage=(\\d+)")
			.matcher(DeployFiles.read(Path.of("Dockerfile")));
		assertThat(percentage.find()).as("the Dockerfile sizes the heap with MaxRAMPercentage").isTrue();
		long limitMib = mebibytes(at(container(), "resources", "limits", "memory"));
		long heapMib = limitMib * Integer.parseInt(percentage.group(1)) / 100;

		assertThat(limitMib - heapMib).as("MiB beside a heap of %d MiB", heapMib).isGreaterThanOrEqualTo(NON_HEAP_MIB);
		// Requested as limited: a pod using more than its request is evicted first.
		assertThat(DeployFiles.<String>at(container(), "resources", "requests", "memory"))
			.isEqualTo(at(container(), "resources", "limits", "memory"));
	}

	@Test
	void theContainerRunsAsTheImagesUserOnAReadOnlyFilesystemWithATemporaryDirectory() {
		Matcher uid = Pattern.compile("useradd .*--uid (\\d+)").matcher(DeployFiles.read(Path.of("Dockerfile")));
		assertThat(uid.find()).isTrue();
		Map<String, Object> pod = at(deployment(), "spec", "template", "spec");

		assertThat(DeployFiles.<Integer>at(pod, "securityContext", "runAsUser"))
			.isEqualTo(Integer.valueOf(uid.group(1)));
		assertThat(DeployFiles.<Boolean>at(pod, "securityContext", "runAsNonRoot")).isTrue();
		Map<String, Object> security = at(container(), "securityContext");
		assertThat(DeployFiles.<Boolean>at(security, "readOnlyRootFilesystem")).isTrue();
		assertThat(DeployFiles.<Boolean>at(security, "allowPrivilegeEscalation")).isFalse();
		assertThat(DeployFiles.<List<String>>at(security, "capabilities", "drop")).containsExactly("ALL");

		List<Map<String, Object>> mounts = at(container(), "volumeMounts");
		Map<String, Object> tmp = mounts.stream()
			.filter((mount) -> "/tmp".equals(mount.get("mountPath")))
			.findFirst()
			.orElseThrow(() -> new AssertionError("nothing mounted on /tmp, which Tomcat and the JVM write to"));
		List<Map<String, Object>> volumes = at(pod, "volumes");
		assertThat(volumes).anySatisfy((volume) -> {
			assertThat(volume.get("name")).isEqualTo(tmp.get("name"));
			assertThat(volume).containsKey("emptyDir");
		});
	}

	@Test
	void theProbesAndTheScrapeUseTheApisPortAndPath() {
		List<Map<String, Object>> ports = at(container(), "ports");
		Map<String, Object> http = ports.stream()
			.filter((port) -> "http".equals(port.get("name")))
			.findFirst()
			.orElseThrow(() -> new AssertionError("no container port named http"));
		String apiPort = setting(Setting.API_PORT);
		Map<String, String> scrape = at(deployment(), "spec", "template", "metadata", "annotations");
		List<Map<String, Object>> scrapeConfigs = at(yaml(DeployFiles.PROMETHEUS.resolve("prometheus.yml")),
				"scrape_configs");

		assertThat(String.valueOf(http.get("containerPort"))).isEqualTo(apiPort);
		for (String probe : List.of("startupProbe", "livenessProbe", "readinessProbe")) {
			assertThat(String.valueOf(DeployFiles.<Object>at(container(), probe, "httpGet", "port"))).as(probe)
				.isIn("http", apiPort);
		}
		assertThat(scrape).containsEntry("prometheus.io/port", apiPort)
			.containsEntry("prometheus.io/path", (String) scrapeConfigs.getFirst().get("metrics_path"));
	}

	/** A setting as the ConfigMap sets it, else the API's default. */
	private static String setting(Setting setting) {
		return String.valueOf(configMap().getOrDefault(setting.name(), setting.defaultValue()));
	}

	private static Map<String, Object> configMap() {
		return at(yaml(KUBERNETES.resolve("configmap.yaml")), "data");
	}

	private static Map<String, Object> secret() {
		return at(yaml(KUBERNETES.resolve("secret.yaml")), "stringData");
	}

	/**
	 * A preStop hook delays SIGTERM, and so the drain; only the sleep action has a length
	 * to add.
	 */
	private static Duration preStopSleep() {
		if (!container().containsKey("lifecycle")) {
			return Duration.ZERO;
		}
		Map<String, Object> lifecycle = at(container(), "lifecycle");
		if (!lifecycle.containsKey("preStop")) {
			return Duration.ZERO;
		}
		return Duration.ofSeconds(DeployFiles.<Integer>at(lifecycle, "preStop", "sleep", "seconds"));
	}

	/** A Kubernetes quantity in Mi or Gi, in MiB. */
	private static long mebibytes(String quantity) {
		if (quantity.endsWith("Gi")) {
			return Long.parseLong(quantity.substring(0, quantity.length() - 2)) * 1024;
		}
		assertThat(quantity).as("a memory quantity in Mi or Gi").endsWith("Mi");
		return Long.parseLong(quantity.substring(0, quantity.length() - 2));
	}

}
