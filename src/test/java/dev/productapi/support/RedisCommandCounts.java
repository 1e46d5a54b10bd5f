package dev.productapi.support;

import java.util.HashMap;
import java.util.Map;

/**
 * What {@code redis-cli monitor} would show, counted: the calls per command from
 * {@code INFO commandstats}, so a test can assert "a miss is one GET and one SET".
 */
public record RedisCommandCounts(Map<String, Long> calls) {

	public static RedisCommandCounts of(TestRedis redis) {
		Map<String, Long> calls = new HashMap<>();
		for (String line : redis.commands().info("commandstats").split("\r?\n")) {
			if (line.startsWith("cmdstat_")) {
				String command = line.substring("cmdstat_".length(), line.indexOf(':'));
				String count = line.substring(line.indexOf("calls=") + "calls=".length(), line.indexOf(','));
				calls.put(command, Long.parseLong(count));
			}
		}
		return new RedisCommandCounts(calls);
	}

	/**
	 * Commands run since {@code before}, ignoring the INFO calls this class itself makes.
	 */
	public Map<String, Long> since(RedisCommandCounts before) {
		Map<String, Long> delta = new HashMap<>();
		this.calls.forEach((command, count) -> {
			long added = count - before.calls.getOrDefault(command, 0L);
			if (added > 0 && !command.equals("info")) {
				delta.put(command, added);
			}
		});
		return delta;
	}

}
