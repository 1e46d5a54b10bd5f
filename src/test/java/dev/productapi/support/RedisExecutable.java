package dev.productapi.support;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import redis.embedded.core.ExecutableProvider;

/**
 * The {@code redis-server} binary the tests run: the one on the PATH when there is one,
 * otherwise the binary shipped in the embedded-redis jar (6.2.x for linux-amd64), so a
 * machine without Redis still runs every test.
 * <p>
 * The choice can be forced with the system property {@value #PROPERTY} or the environment
 * variable {@value #ENVIRONMENT} (the property wins): {@code embedded} for the jar's
 * binary, {@code path} for the PATH's, or the path of a {@code redis-server} file.
 */
public final class RedisExecutable {

	public static final String PROPERTY = "test.redis.executable";

	public static final String ENVIRONMENT = "TEST_REDIS_EXECUTABLE";

	private static final Pattern VERSION = Pattern.compile("v=(\\d+)\\.(\\d+)\\.(\\d+)");

	private static volatile RedisExecutable instance;

	private final File file;

	private final String source;

	private final String version;

	private final int major;

	private final int minor;

	private RedisExecutable(File file, String source) {
		this.file = file;
		this.source = source;
		this.version = versionOf(file);
		Matcher matcher = VERSION.matcher(this.version);
		if (!matcher.find()) {
			throw new IllegalStateException("Cannot tell the version of " + file + " from: " + this.version);
		}
		this.major = Integer.parseInt(matcher.group(1));
		this.minor = Integer.parseInt(matcher.group(2));
	}

	/** The binary for this JVM, found once. */
	public static RedisExecutable get() {
		RedisExecutable found = instance;
		if (found == null) {
			synchronized (RedisExecutable.class) {
				found = instance;
				if (found == null) {
					found = find();
					instance = found;
				}
			}
		}
		return found;
	}

	public File file() {
		return this.file;
	}

	public String path() {
		return this.file.getAbsolutePath();
	}

	/**
	 * Where the binary came from: {@code PATH}, {@code embedded} or {@code configured}.
	 */
	public String source() {
		return this.source;
	}

	/** The first line of {@code redis-server --version}. */
	public String version() {
		return this.version;
	}

	public boolean isAtLeast(int major, int minor) {
		return this.major > major || (this.major == major && this.minor >= minor);
	}

	@Override
	public String toString() {
		return this.source + " " + path() + " (" + this.version + ")";
	}

	private static RedisExecutable find() {
		String configured = System.getProperty(PROPERTY);
		if (configured == null || configured.isBlank()) {
			configured = System.getenv(ENVIRONMENT);
		}
		if (configured == null || configured.isBlank()) {
			File onPath = onPath();
			return (onPath != null) ? new RedisExecutable(onPath, "PATH") : new RedisExecutable(embedded(), "embedded");
		}
		configured = configured.trim();
		if (configured.equalsIgnoreCase("embedded")) {
			return new RedisExecutable(embedded(), "embedded");
		}
		if (configured.equalsIgnoreCase("path")) {
			File onPath = onPath();
			if (onPath == null) {
				throw new IllegalStateException(
						PROPERTY + "/" + ENVIRONMENT + " asks for redis-server from the PATH, but there is none");
			}
			return new RedisExecutable(onPath, "PATH");
		}
		File file = new File(configured);
		if (!file.canExecute()) {
			throw new IllegalStateException(PROPERTY + "/" + ENVIRONMENT + " names " + configured
					+ ", which is not an executable file (use 'embedded', 'path' or a file's path)");
		}
		return new RedisExecutable(file, "configured");
	}

	private static File onPath() {
		for (String directory : System.getenv().getOrDefault("PATH", "").split(File.pathSeparator)) {
			if (directory.isEmpty()) {
				continue;
			}
			Path candidate = Path.of(directory, "redis-server");
			if (Files.isExecutable(candidate)) {
				return candidate.toFile();
			}
		}
		return null;
	}

	private static File embedded() {
		try {
			return ExecutableProvider.newJarResourceProvider().get();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("No redis-server in the embedded-redis jar for this platform", ex);
		}
	}

	private static String versionOf(File file) {
		try {
			Process process = new ProcessBuilder(file.getAbsolutePath(), "--version").redirectErrorStream(true).start();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8).trim();
			if (!process.waitFor(10, TimeUnit.SECONDS)) {
				process.destroyForcibly();
			}
			return output.lines().findFirst().orElse("");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot run " + file + " --version", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted running " + file + " --version", ex);
		}
	}

}
