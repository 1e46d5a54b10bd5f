package dev.productapi.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.ServerSocket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.lettuce.core.ClientOptions;
import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.sync.RedisCommands;
import io.lettuce.core.codec.StringCodec;
import io.lettuce.core.output.StatusOutput;
import io.lettuce.core.protocol.CommandArgs;
import io.lettuce.core.protocol.CommandType;
import org.junit.jupiter.api.extension.AfterAllCallback;
import org.junit.jupiter.api.extension.BeforeAllCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

import static org.awaitility.Awaitility.await;

/**
 * A real Redis server of the test's own, on a free port, that the test may stop, restart,
 * freeze and thaw. Uses {@code redis-server} from the PATH when there is one, otherwise
 * the binary shipped in the embedded-redis jar, so a machine without Redis still runs
 * every test ({@link RedisExecutable} finds it, and can be told to use one or the other).
 * <p>
 * As an extension
 * ({@code @RegisterExtension static final TestRedis redis = new TestRedis()}) it runs for
 * the whole test class. {@code new TestRedis(security)} gives it a password and/or TLS
 * ({@link RedisSecurity}); {@link #commands()} and {@link RedisMonitor} use them.
 */
public final class TestRedis implements AutoCloseable, BeforeAllCallback, AfterAllCallback {

	private static final File EXECUTABLE = RedisExecutable.get().file();

	private final int port = freePort();

	private final RedisSecurity security;

	private Process process;

	private boolean frozen;

	private RedisClient client;

	private StatefulRedisConnection<String, String> connection;

	/** A server without password and TLS. */
	public TestRedis() {
		this(RedisSecurity.NONE);
	}

	/** A server that requires the password and/or TLS. */
	public TestRedis(RedisSecurity security) {
		this.security = security;
	}

	public static TestRedis started() {
		return started(RedisSecurity.NONE);
	}

	public static TestRedis started(RedisSecurity security) {
		TestRedis redis = new TestRedis(security);
		redis.start();
		return redis;
	}

	@Override
	public void beforeAll(ExtensionContext context) {
		start();
	}

	@Override
	public void afterAll(ExtensionContext context) {
		close();
	}

	/** The port clients connect to: the TLS port, if the server speaks TLS. */
	public int port() {
		return this.port;
	}

	public RedisSecurity security() {
		return this.security;
	}

	public synchronized void start() {
		if (this.process != null && this.process.isAlive()) {
			return;
		}
		List<String> command = new ArrayList<>();
		command.add(EXECUTABLE.getAbsolutePath());
		command.addAll(this.security.serverArguments(this.port, false));
		command.addAll(List.of("--bind", "127.0.0.1", "--save", "", "--appendonly", "no", "--protected-mode", "no"));
		try {
			this.process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.DISCARD)
				.start();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		await("Redis on port " + this.port + " answers PING").atMost(Duration.ofSeconds(10)).until(this::answersPing);
	}

	/** Stops the server abruptly, as a crash would; its data is gone. */
	public synchronized void stop() {
		if (this.process == null) {
			return;
		}
		thawIfFrozen();
		this.process.destroyForcibly();
		try {
			this.process.waitFor(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
		this.process = null;
	}

	/**
	 * Freezes the server with SIGSTOP: connections stay open but nothing is answered,
	 * which is what an overloaded or partitioned Redis looks like to a client.
	 */
	public synchronized void freeze() {
		signal("STOP");
		this.frozen = true;
	}

	public synchronized void thaw() {
		signal("CONT");
		this.frozen = false;
	}

	public synchronized void thawIfFrozen() {
		if (this.frozen) {
			thaw();
		}
	}

	private void signal(String name) {
		try {
			int exit = new ProcessBuilder("kill", "-" + name, String.valueOf(this.process.pid())).start().waitFor();
			if (exit != 0) {
				throw new IllegalStateException("kill -" + name + " failed");
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * {@code CLIENT PAUSE <ms> WRITE}: the server keeps answering reads but holds every
	 * write, the nastiest case for invalidation, since stale values stay readable.
	 */
	public void pauseWrites(Duration duration) {
		client("PAUSE", String.valueOf(duration.toMillis()), "WRITE");
	}

	public void unpause() {
		client("UNPAUSE");
	}

	private void client(String... args) {
		CommandArgs<String, String> arguments = new CommandArgs<>(StringCodec.UTF8);
		for (String arg : args) {
			arguments.add(arg);
		}
		commands().dispatch(CommandType.CLIENT, new StatusOutput<>(StringCodec.UTF8), arguments);
	}

	/** A client for looking at the server from outside the API. */
	public synchronized RedisCommands<String, String> commands() {
		if (this.connection == null) {
			this.client = RedisClient.create(uri());
			this.client.setOptions(ClientOptions.builder().sslOptions(TestTls.sslOptions()).build());
			this.connection = this.client.connect();
		}
		return this.connection.sync();
	}

	/** The server's URI, with its password and TLS if it has them. */
	public RedisURI uri() {
		return this.security.uri("127.0.0.1", this.port);
	}

	private boolean answersPing() {
		RedisClient probe = RedisClient.create(uri());
		probe.setOptions(ClientOptions.builder().sslOptions(TestTls.sslOptions()).build());
		try (probe; StatefulRedisConnection<String, String> ping = probe.connect()) {
			return "PONG".equals(ping.sync().ping());
		}
		catch (RuntimeException ex) {
			return false;
		}
	}

	@Override
	public synchronized void close() {
		if (this.connection != null) {
			this.connection.close();
			this.client.shutdown(Duration.ZERO, Duration.ofSeconds(1));
		}
		stop();
	}

	public static int freePort() {
		try (ServerSocket socket = new ServerSocket(0)) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
