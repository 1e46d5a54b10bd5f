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
import java.util.function.Consumer;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import static org.awaitility.Awaitility.await;

/**
 * {@code redis-cli monitor}, for tests: records every command the server executes,
 * including those run inside Lua scripts, so a test can assert the picture the README
 * promises. It attaches to a {@link TestRedis} or to one {@link RedisNode} of a Sentinel
 * group or a Cluster (which sees only the commands on the keys it serves).
 */
public final class RedisMonitor implements AutoCloseable {

	private static final Pattern QUOTED = Pattern.compile("\"((?:[^\"\\\\]|\\\\.)*)\"");

	/** {@code [db client]}, where the client is {@code host:port}, or {@code lua}. */
	private static final Pattern CLIENT = Pattern.compile("\\[\\d+ ([^\\]]+)\\]");

	private final Consumer<String> echo;

	private final Socket socket;

	private final List<Command> commands = new ArrayList<>();

	private RedisMonitor(RedisSecurity security, int port, Consumer<String> echo) throws IOException {
		this.echo = echo;
		// over TLS and authenticated, if the server requires it
		this.socket = security.connect("127.0.0.1", port, 5000);
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
		return start(redis.security(), redis.port(), (marker) -> redis.commands().echo(marker));
	}

	/**
	 * A monitor of one node of a Sentinel group or a Cluster: on a Cluster, of the
	 * commands on the keys of the slots that node serves.
	 */
	public static RedisMonitor start(RedisNode node) {
		return start(node.security(), node.port(), (marker) -> node.commands().echo(marker));
	}

	private static RedisMonitor start(RedisSecurity security, int port, Consumer<String> echo) {
		try {
			return new RedisMonitor(security, port, echo);
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
		return commands().stream()
			.map(Command::words)
			.filter((command) -> command.size() > 1 && command.get(1).equals(key))
			.toList();
	}

	/**
	 * The commands executed so far that name any of the keys anywhere in their arguments
	 * (an {@code MGET} of several keys, say), with their arguments.
	 */
	public List<List<String>> commandsMentioning(Collection<String> keys) {
		return commands().stream()
			.map(Command::words)
			.filter((command) -> keys.stream().anyMatch(command::contains))
			.toList();
	}

	/**
	 * Every command executed so far, in order, with the client that sent it. Waits until
	 * every command sent before this call has been seen.
	 */
	public List<Command> commands() {
		String marker = "monitor-sync-" + UUID.randomUUID();
		this.echo.accept(marker);
		await("the monitor sees " + marker).atMost(Duration.ofSeconds(5))
			.until(() -> snapshot().stream().anyMatch((command) -> command.words().contains(marker)));
		return snapshot();
	}

	private synchronized List<Command> snapshot() {
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
					Matcher client = CLIENT.matcher(line);
					Command command = new Command(client.find() ? client.group(1) : "", List.copyOf(tokens));
					synchronized (this) {
						this.commands.add(command);
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

	/**
	 * One command as the monitor saw it.
	 *
	 * @param client the connection that sent it, {@code host:port}, or {@code lua} for a
	 * command that a script ran
	 * @param words the command's name (upper case) and arguments
	 */
	public record Command(String client, List<String> words) {

		public String name() {
			return this.words.getFirst();
		}

		/**
		 * Whether the command acts on the key: its first argument, or one of the keys of
		 * a script ({@code EVAL}, {@code EVALSHA}).
		 */
		public boolean isOn(String key) {
			if (this.words.size() > 1 && this.words.get(1).equals(key)) {
				return true;
			}
			if ((name().equals("EVAL") || name().equals("EVALSHA")) && this.words.size() > 2) {
				int keys = Integer.parseInt(this.words.get(2));
				return this.words.subList(3, Math.min(3 + keys, this.words.size())).contains(key);
			}
			return false;
		}

	}

}
