package dev.productapi.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import dev.productapi.ProductApiApplication;

import static org.awaitility.Awaitility.await;

/**
 * The application in a JVM of its own, for tests of what separate instances do at the
 * same time (in one JVM, Spring Boot's start-up shares global state such as logging).
 */
public final class AppProcess implements AutoCloseable {

	private final Process process;

	private final Path log;

	private AppProcess(Process process, Path log) {
		this.process = process;
		this.log = log;
	}

	public static AppProcess start(Map<String, String> settings) {
		try {
			Path log = Files.createTempFile("product-api", ".log");
			List<String> command = new ArrayList<>(
					List.of(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
							"--enable-native-access=ALL-UNNAMED", "-cp", System.getProperty("java.class.path"),
							ProductApiApplication.class.getName(), "--API_PORT=0"));
			if (!settings.containsKey("API_SHUTDOWN_DRAIN_SECONDS")) {
				// As RunningApp: no drain, so close() is not slowed down by it.
				command.add("--API_SHUTDOWN_DRAIN_SECONDS=0");
			}
			if (!settings.containsKey("API_WARMUP_SECONDS")) {
				command.add("--API_WARMUP_SECONDS=0");
			}
			settings.forEach((name, value) -> command.add("--" + name + "=" + value));
			Process process = new ProcessBuilder(command).redirectErrorStream(true)
				.redirectOutput(log.toFile())
				.start();
			return new AppProcess(process, log);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public void awaitStarted() {
		await("the instance has started (see " + this.log + ")").atMost(Duration.ofSeconds(60)).until(() -> {
			if (!this.process.isAlive()) {
				throw new AssertionError("The instance exited; see " + this.log);
			}
			try {
				return Files.readString(this.log).contains("Started ProductApiApplication");
			}
			catch (IOException ex) {
				return false;
			}
		});
	}

	/** Waits for the process to exit by itself, and returns its exit code. */
	public int awaitExit() {
		try {
			if (!this.process.waitFor(60, TimeUnit.SECONDS)) {
				throw new AssertionError("The instance is still running after 60 s; see " + this.log);
			}
			return this.process.exitValue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError(ex);
		}
	}

	/** What the process printed so far, standard output and error, line by line. */
	public List<String> output() {
		try {
			return Files.readAllLines(this.log);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
				this.process.destroyForcibly().waitFor();
				throw new AssertionError("The instance did not stop within 30 s of SIGTERM; see " + this.log);
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
