package dev.productapi.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.MaintNotificationsConfig;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.SocketOptions;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.resource.ClientResources;
import io.lettuce.core.resource.DefaultClientResources;
import io.lettuce.core.resource.Delay;
import org.awaitility.core.ConditionTimeoutException;

import static org.awaitility.Awaitility.await;

/**
 * One {@code redis-server} process of a test topology ({@link TestRedisSentinel},
 * {@link TestRedisCluster}), on 127.0.0.1, with its own directory and log file, under the
 * test's control: it can be crashed ({@link #kill()}, SIGKILL), frozen
 * ({@link #freeze()}, SIGSTOP: connections stay open and nothing is answered) and thawed,
 * and started again on the same port with the same directory.
 * <p>
 * Every process started here is also killed by a JVM shutdown hook, so a test that dies
 * half-way leaves no {@code redis-server} behind.
 */
public final class RedisNode implements AutoCloseable {

	public static final String HOST = "127.0.0.1";

	/** Timeout of {@link #commands()}. */
	public static final Duration COMMAND_TIMEOUT = Duration.ofSeconds(5);

	private static final Duration PROBE_TIMEOUT = Duration.ofMillis(500);

	private static final Set<Process> RUNNING = ConcurrentHashMap.newKeySet();

	private static final Set<Path> DIRECTORIES = ConcurrentHashMap.newKeySet();

	private static volatile ClientResources resources;

	private static volatile RedisClient client;

	private static volatile RedisClient probeClient;

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(() -> {
			for (Process process : RUNNING) {
				process.destroyForcibly();
			}
			for (Path directory : DIRECTORIES) {
				deleteRecursively(directory);
			}
		}, "redis-topology-cleanup"));
	}

	private final String name;

	private final Path dir;

	private final int port;

	private final List<String> arguments;

	private final boolean clusterNode;

	private final RedisSecurity security;

	private Process process;

	private volatile boolean frozen;

	private volatile Instant lastDisruption;

	private StatefulRedisConnection<String, String> connection;

	private StatefulRedisConnection<String, String> probe;

	/**
	 * @param arguments the arguments after the executable; the process runs in
	 * {@code dir} and logs to {@code dir/redis.log}
	 */
	RedisNode(String name, Path dir, int port, List<String> arguments) {
		this(name, dir, port, arguments, false);
	}

	/**
	 * @param clusterNode whether {@link #commands()} sends READONLY, so a replica serves
	 * reads
	 */
	RedisNode(String name, Path dir, int port, List<String> arguments, boolean clusterNode) {
		this(name, dir, port, arguments, clusterNode, RedisSecurity.NONE);
	}

	/**
	 * @param security the password and TLS that the arguments give the process, for the
	 * node's own clients to use
	 */
	RedisNode(String name, Path dir, int port, List<String> arguments, boolean clusterNode, RedisSecurity security) {
		this.name = name;
		this.dir = dir;
		this.port = port;
		this.arguments = List.copyOf(arguments);
		this.clusterNode = clusterNode;
		this.security = security;
	}

	public String name() {
		return this.name;
	}

	public String host() {
		return HOST;
	}

	public int port() {
		return this.port;
	}

	/** {@code 127.0.0.1:port}. */
	public String address() {
		return HOST + ":" + this.port;
	}

	public Path dir() {
		return this.dir;
	}

	/** The node's URI, with its password and TLS if it has them. */
	public RedisURI uri() {
		return this.security.builder(HOST, this.port).withTimeout(COMMAND_TIMEOUT).build();
	}

	/** The password and TLS that the node requires. */
	public RedisSecurity security() {
		return this.security;
	}

	/** The process id, or -1 when the node is not running. */
	public synchronized long pid() {
		return (this.process != null && this.process.isAlive()) ? this.process.pid() : -1;
	}

	public synchronized boolean isRunning() {
		return this.process != null && this.process.isAlive();
	}

	public boolean isFrozen() {
		return this.frozen;
	}

	/** When the node was last killed or frozen by the test, or null if never. */
	public Instant lastDisruption() {
		return this.lastDisruption;
	}

	/** Starts the node (if it is not running) and waits until it answers PING. */
	public void start() {
		launch();
		awaitReady(Duration.ofSeconds(10));
	}

	/** Starts the process without waiting for it: see {@link #awaitReady(Duration)}. */
	synchronized void launch() {
		if (isRunning()) {
			return;
		}
		closeConnections();
		try {
			List<String> command = new ArrayList<>();
			command.add(RedisExecutable.get().path());
			command.addAll(this.arguments);
			this.process = new ProcessBuilder(command).directory(this.dir.toFile())
				.redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(this.dir.resolve("redis.log").toFile()))
				.start();
			RUNNING.add(this.process);
			this.frozen = false;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot start " + this, ex);
		}
	}

	/**
	 * Waits until the node answers PING, failing at once (with its log) if the process
	 * exits.
	 */
	void awaitReady(Duration timeout) {
		try {
			await(this + " answers PING").atMost(timeout).pollInterval(Duration.ofMillis(10)).until(() -> {
				if (answersPing()) {
					return true;
				}
				Process current;
				synchronized (this) {
					current = this.process;
				}
				if (current == null || !current.isAlive()) {
					throw new StartFailure(this + " exited while starting:\n" + logTail(20));
				}
				return false;
			});
		}
		catch (ConditionTimeoutException ex) {
			throw new StartFailure(this + " did not answer PING within " + timeout.toMillis() + " ms:\n" + logTail(20));
		}
	}

	/** Crashes the node with SIGKILL (also when frozen); its data in memory is gone. */
	public void kill() {
		Process killed;
		synchronized (this) {
			killed = this.process;
			if (killed == null) {
				return;
			}
			this.process = null;
			this.frozen = false;
			this.lastDisruption = TestTime.now();
		}
		killed.destroyForcibly();
		try {
			killed.waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		RUNNING.remove(killed);
		closeConnections();
	}

	/**
	 * Kills the node if it runs, then starts it again on the same port with the same
	 * directory.
	 */
	public void restart() {
		kill();
		start();
	}

	/**
	 * Freezes the process with SIGSTOP: the kernel still accepts connections and buffers
	 * what is sent to it, but nothing is answered, which is what a hung or partitioned
	 * node looks like.
	 */
	public void freeze() {
		signal("STOP");
		this.frozen = true;
		this.lastDisruption = TestTime.now();
	}

	/** Resumes a frozen process with SIGCONT. */
	public void thaw() {
		signal("CONT");
		this.frozen = false;
	}

	private synchronized void signal(String signal) {
		if (!isRunning()) {
			throw new IllegalStateException(this + " is not running");
		}
		try {
			int exit = new ProcessBuilder("kill", "-" + signal, String.valueOf(this.process.pid())).start().waitFor();
			if (exit != 0) {
				throw new IllegalStateException("kill -" + signal + " " + this.process.pid() + " failed");
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted signalling " + this, ex);
		}
	}

	/**
	 * Lettuce's synchronous commands on this node alone (no redirects followed), with a
	 * {@link #COMMAND_TIMEOUT} timeout. While the connection is down (a failover kills
	 * the clients of a promoted replica, for one) commands wait for the reconnection,
	 * which is tried every 100 ms. On a cluster node the connection is READONLY, so a
	 * replica answers reads of its master's keys instead of redirecting them.
	 */
	public synchronized RedisCommands<String, String> commands() {
		if (this.connection == null) {
			StatefulRedisConnection<String, String> connected = client().connect(StringCodec.UTF8, uri());
			if (this.clusterNode) {
				connected.sync().readOnly();
			}
			this.connection = connected;
		}
		return this.connection.sync();
	}

	/**
	 * Like {@link #commands()} with a short timeout and failing at once while
	 * disconnected, for polling.
	 */
	synchronized RedisCommands<String, String> probeCommands() {
		if (this.probe == null) {
			RedisURI uri = this.security.builder(HOST, this.port).withTimeout(PROBE_TIMEOUT).build();
			this.probe = probeClient().connect(StringCodec.UTF8, uri);
		}
		return this.probe.sync();
	}

	/**
	 * {@code ROLE}'s first element: master, slave or sentinel; null when it does not
	 * answer.
	 */
	public String role() {
		try {
			return String.valueOf(probeCommands().role().get(0));
		}
		catch (RuntimeException ex) {
			return null;
		}
	}

	/**
	 * Whether the node accepts a write now: a {@code DEL} of a key that does not exist,
	 * which a replica refuses (READONLY), a cluster node refuses for a slot it does not
	 * serve (MOVED, CLUSTERDOWN), and which changes nothing and replicates nothing on a
	 * master.
	 */
	public boolean acceptsWrite(String key) {
		try {
			probeCommands().del(key);
			return true;
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	/** {@code INFO section} as a map of its fields. */
	public Map<String, String> info(String section) {
		return parseInfo(commands().info(section));
	}

	static Map<String, String> parseInfo(String text) {
		Map<String, String> fields = new LinkedHashMap<>();
		for (String line : text.split("\r?\n")) {
			int colon = line.indexOf(':');
			if (colon > 0 && !line.startsWith("#")) {
				fields.put(line.substring(0, colon), line.substring(colon + 1).trim());
			}
		}
		return fields;
	}

	/**
	 * A PING over a socket of its own (TLS and AUTH first, if the node requires them),
	 * cheap enough to poll every few milliseconds.
	 */
	public boolean answersPing() {
		try (Socket socket = this.security.connect(HOST, this.port, this.security.tls() ? 1000 : 200)) {
			OutputStream out = socket.getOutputStream();
			out.write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			out.flush();
			InputStream in = socket.getInputStream();
			byte[] reply = new byte[7];
			int read = 0;
			while (read < 5) {
				int n = in.read(reply, read, reply.length - read);
				if (n < 0) {
					return false;
				}
				read += n;
			}
			return new String(reply, 0, read, StandardCharsets.US_ASCII).startsWith("+PONG");
		}
		catch (IOException ex) {
			return false;
		}
	}

	/** The last lines of the node's log, for failure messages. */
	public String logTail(int lines) {
		try {
			List<String> all = Files.readAllLines(this.dir.resolve("redis.log"), StandardCharsets.UTF_8);
			return String.join("\n", all.subList(Math.max(0, all.size() - lines), all.size()));
		}
		catch (IOException | UncheckedIOException ex) {
			return "(no log: " + ex.getMessage() + ")";
		}
	}

	private synchronized void closeConnections() {
		if (this.connection != null) {
			this.connection.closeAsync();
			this.connection = null;
		}
		if (this.probe != null) {
			this.probe.closeAsync();
			this.probe = null;
		}
	}

	/** Closes the connections and kills the process. */
	@Override
	public void close() {
		closeConnections();
		kill();
	}

	@Override
	public String toString() {
		return this.name + "@" + address();
	}

	/**
	 * Shared Lettuce resources: a short constant reconnect delay, no maintenance events.
	 */
	static ClientResources resources() {
		if (resources == null) {
			synchronized (RedisNode.class) {
				if (resources == null) {
					resources = DefaultClientResources.builder()
						.reconnectDelay(Delay.constant(Duration.ofMillis(100)))
						.build();
				}
			}
		}
		return resources;
	}

	/**
	 * Options of the test's own clients: a short connect timeout, no maintenance events,
	 * and TLS that trusts the test CA (used only with nodes that speak TLS).
	 */
	static ClientOptions.Builder clientOptions() {
		return ClientOptions.builder()
			.socketOptions(SocketOptions.builder().connectTimeout(Duration.ofMillis(500)).build())
			.sslOptions(TestTls.sslOptions())
			.maintNotificationsConfig(MaintNotificationsConfig.disabled());
	}

	/** The client of {@link #commands()}: waits for a reconnection while disconnected. */
	static RedisClient client() {
		if (client == null) {
			synchronized (RedisNode.class) {
				if (client == null) {
					RedisClient created = RedisClient.create(resources());
					created.setOptions(clientOptions().build());
					client = created;
				}
			}
		}
		return client;
	}

	/** The client of {@link #probeCommands()}: rejects commands while disconnected. */
	static RedisClient probeClient() {
		if (probeClient == null) {
			synchronized (RedisNode.class) {
				if (probeClient == null) {
					RedisClient created = RedisClient.create(resources());
					created.setOptions(
							clientOptions().disconnectedBehavior(ClientOptions.DisconnectedBehavior.REJECT_COMMANDS)
								.build());
					probeClient = created;
				}
			}
		}
		return probeClient;
	}

	/**
	 * A fresh directory under java.io.tmpdir, deleted by {@link #deleteDirectory} or at
	 * exit.
	 */
	static Path newDirectory(String prefix) {
		try {
			Path directory = Files.createTempDirectory(prefix);
			DIRECTORIES.add(directory);
			return directory;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static void deleteDirectory(Path directory) {
		deleteRecursively(directory);
		DIRECTORIES.remove(directory);
	}

	private static void deleteRecursively(Path directory) {
		if (!Files.exists(directory)) {
			return;
		}
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException | UncheckedIOException ex) {
			// best effort: it is a temporary directory
		}
	}

	static void sleep(long millis) {
		try {
			Thread.sleep(millis);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted", ex);
		}
	}

	/** A node that could not be started, e.g. because its port was taken meanwhile. */
	static final class StartFailure extends RuntimeException {

		StartFailure(String message) {
			super(message);
		}

	}

}
