package dev.productapi.support;

import java.util.LinkedHashMap;
import java.util.Map;

import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.PropertySource;
import org.springframework.core.env.StandardEnvironment;

import dev.productapi.config.EnvironmentSettings;
import dev.productapi.redis.RedisSettings;

/**
 * What the environment post-processors make of some variables, without starting anything:
 * the Spring properties they add, from every post-processor together.
 */
public final class TranslatedSettings {

	private TranslatedSettings() {
	}

	public static Map<String, Object> of(Map<String, Object> variables) {
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("test", new LinkedHashMap<>(variables)));
		new EnvironmentSettings().postProcessEnvironment(environment, null);
		new RedisSettings().postProcessEnvironment(environment, null);
		Map<String, Object> properties = new LinkedHashMap<>();
		for (PropertySource<?> source : environment.getPropertySources()) {
			if (source.getName().startsWith("productApi") && source instanceof MapPropertySource translated) {
				properties.putAll(translated.getSource());
			}
		}
		return properties;
	}

}
