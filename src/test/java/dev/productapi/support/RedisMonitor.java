package dev.productapi.support;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.UUID;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

/**
 * {@code redis-cli monitor}, for tests: records every command the server executes,
 * including those run inside Lua scripts, so a test can assert the picture the README
 * promises.
 */
public final class RedisMonitor implements AutoCloseable {

	private static final Pattern QUOTED = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

	private final TestRedis redis;

	private final Socket socket;

	private final List<List<String>> commands = new ArrayList<>();

	private RedisMonitor(TestRedis redis) throws IOException {
		this.redis = redis;
		// over TLS and authenticated, if the server requires it
		this.socket = redis.security().connect("127.0.0.1", redis.port(), 5000);
		this.socket.setSoTimeout(0);
		OutputStream out = this.socket.getOutputStream();
		out.write("MONITOR\r\n".getBytes(StandardCharsets.US_ASCII));
		out.flush();
		BufferedReader in = new BufferedReader(
				new InputStreamReader(this.socket.getInputStream(), StandardCharsets.UTF_8));
		in.readLine(); // +OK
		Thread.ofVirtual().start(() -> read(in));
	}

	public static RedisMonitor start(TestRedis redis) {
		try {
			return new RedisMonitor(redis);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * The commands executed so far on {@code key} (as their first argument), in order,
	 * e.g. {@code [GET, SET]}. Waits until every command sent before this call has been
	 * seen.
	 */
	public List<String> commandsOn(String key) {
		return commandsWithArgsOn(key).stream().map((command) -> command.get(0)).toList();
	}

	/** Like {@link #commandsOn}, with each command's arguments. */
	public List<List<String>> commandsWithArgsOn(String key) {
		return seenSoFar().stream().filter((command) -> command.size() > 1 && command.get(1).equals(key)).toList();
	}

	/**
	 * The commands executed so far that name any of the keys anywhere in their arguments
	 * (an {@code MGET} of several keys, say), with their arguments.
	 */
	public List<List<String>> commandsMentioning(Collection<String> keys) {
		return seenSoFar().stream().filter((command) -> keys.stream().anyMatch(command::contains)).toList();
	}

	/** Everything executed so far, once every command sent before this call was seen. */
	private List<List<String>> seenSoFar() {
		String marker = "monitor-sync-" + UUID.randomUUID();
		this.redis.commands().echo(marker);
		Await.until("the monitor sees " + marker, Duration.ofSeconds(5),
				() -> snapshot().stream().anyMatch((command) -> command.contains(marker)));
		return snapshot().stream().map((command) -> List.of(command.toArray(String[]::new))).toList();
	}

	private synchronized List<List<String>> snapshot() {
		return new ArrayList<>(this.commands);
	}

	private void read(BufferedReader in) {
		try {
			for (String line = in.readLine(); line != null; line = in.readLine()) {
				List<String> tokens = new ArrayList<>();
				Matcher matcher = QUOTED.matcher(line);
				while (matcher.find()) {
					tokens.add(matcher.group(1));
				}
				if (!tokens.isEmpty()) {
					tokens.set(0, tokens.get(0).toUpperCase());
					synchronized (this) {
						this.commands.add(tokens);
					}
				}
			}
		}
		catch (IOException ex) {
			// closed
		}
	}

	@Override
	public void close() {
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			// nothing to do
		}
	}

}
