package dev.productapi.deploy;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Map;

import org.yaml.snakeyaml.Yaml;

/**
 * The files under {@code deploy/} and the project's own configuration, read as the tools
 * that use them read them: YAML documents as maps and lists. Paths are relative to the
 * project, where Maven runs the tests.
 */
final class DeployFiles {

	static final Path KUBERNETES = Path.of("deploy/kubernetes");

	static final Path PROMETHEUS = Path.of("deploy/prometheus");

	static final Path GRAFANA_DASHBOARDS = Path.of("deploy/grafana/dashboards");

	private DeployFiles() {
	}

	/** The only YAML document of a file. */
	static Map<String, Object> yaml(Path file) {
		return new Yaml().load(read(file));
	}

	static String read(Path file) {
		try {
			return Files.readString(file);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The value at a path of keys, as in {@code at(deployment, "spec", "template")};
	 * fails naming the path if a key is missing.
	 */
	@SuppressWarnings("unchecked")
	static <T> T at(Map<String, Object> node, String... keys) {
		Object value = node;
		for (String key : keys) {
			if (!(value instanceof Map<?, ?> map) || !map.containsKey(key)) {
				throw new AssertionError("No " + String.join(".", keys) + " (missing " + key + ")");
			}
			value = map.get(key);
		}
		return (T) value;
	}

	/** The Deployment's one container. */
	static Map<String, Object> container() {
		List<Map<String, Object>> containers = at(deployment(), "spec", "template", "spec", "containers");
		if (containers.size() != 1) {
			throw new AssertionError("Expected one container, found " + containers.size());
		}
		return containers.getFirst();
	}

	static Map<String, Object> deployment() {
		return yaml(KUBERNETES.resolve("deployment.yaml"));
	}

	/** The paths of the startup, liveness and readiness probes. */
	static List<String> probePaths() {
		Map<String, Object> container = container();
		return List.of("startupProbe", "livenessProbe", "readinessProbe")
			.stream()
			.map((probe) -> DeployFiles.<String>at(container, probe, "httpGet", "path"))
			.toList();
	}

}
