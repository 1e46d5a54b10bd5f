package dev.productapi.config;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The README's configuration table and {@code .env.example} say what {@link Setting}
 * declares: the same variables, with the same defaults.
 */
class SettingDocumentationTest {

	private static final Pattern VARIABLE = Pattern.compile("`([A-Z][A-Z0-9_]+)`");

	private static final Pattern ASSIGNMENT = Pattern.compile("^(#?)([A-Z][A-Z0-9_]+)=(.*)$");

	@Test
	void theReadmeTableListsEverySettingWithItsDefault() throws IOException {
		assertThat(readmeDefaults()).containsExactlyInAnyOrderEntriesOf(declaredDefaults());
	}

	@Test
	void envExampleListsEverySettingWithItsDefault() throws IOException {
		Map<String, Matcher> example = new LinkedHashMap<>();
		for (String line : Files.readAllLines(Path.of(".env.example"))) {
			Matcher assignment = ASSIGNMENT.matcher(line);
			if (assignment.matches()) {
				assertThat(example.put(assignment.group(2), assignment)).as("%s listed twice", line).isNull();
			}
		}

		assertThat(example).containsOnlyKeys(declaredDefaults().keySet());
		example.forEach((name, assignment) -> {
			String declared = Setting.valueOf(name).defaultValue();
			String value = assignment.group(3);
			boolean commentedOut = !assignment.group(1).isEmpty();
			if (isValue(declared)) {
				assertThat(value).as(".env.example's %s", name).isEqualTo(declared);
			}
			else {
				assertThat(value.isEmpty() || commentedOut)
					.as(".env.example's %s=%s, whose default is '%s': empty, or commented out", name, value, declared)
					.isTrue();
			}
		});
	}

	/** The variables of the README's configuration table, each with its default. */
	private static Map<String, String> readmeDefaults() throws IOException {
		String readme = Files.readString(Path.of("README.md"));
		String section = readme.substring(readme.indexOf("## Configuration"));
		section = section.substring(0, section.indexOf("\n## ", 1));
		Map<String, String> defaults = new LinkedHashMap<>();
		for (String row : section.lines().filter((line) -> line.startsWith("| `")).toList()) {
			String[] cells = row.split(" \\| ");
			List<String> names = VARIABLE.matcher(cells[0]).results().map((match) -> match.group(1)).toList();
			List<String> values = Arrays.stream(cells[1].split(", ")).map((value) -> value.replace("`", "")).toList();
			assertThat(values.size()).as("defaults in the row of %s", names).isIn(1, names.size());
			for (int i = 0; i < names.size(); i++) {
				String value = values.get((values.size() == 1) ? 0 : i);
				assertThat(defaults.put(names.get(i), value)).as("%s listed twice", names.get(i)).isNull();
			}
		}
		return defaults;
	}

	private static Map<String, String> declaredDefaults() {
		Map<String, String> defaults = new LinkedHashMap<>();
		for (Setting setting : Setting.values()) {
			defaults.put(setting.name(), setting.defaultValue());
		}
		return defaults;
	}

	/** Whether a documented default is a value, rather than words such as "none". */
	private static boolean isValue(String declared) {
		return !declared.startsWith("none") && !declared.startsWith("from ") && !declared.contains(" of ");
	}

}
