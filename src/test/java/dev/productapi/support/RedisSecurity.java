package dev.productapi.support;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import io.lettuce.core.RedisURI;
import io.lettuce.core.SslVerifyMode;

/**
 * How a test topology's Redis processes are protected: a password ({@code requirepass},
 * and {@code masterauth} so that replicas, and masters demoted by a failover, can sync),
 * a password of the sentinels' own ({@code requirepass} on every sentinel, which then
 * also use it with each other), and TLS (the {@link TestTls} certificates, TLS only:
 * {@code port 0} and {@code tls-port}, with replication, the cluster bus and the
 * sentinels' links over TLS too; clients need no certificate). {@link #NONE} by default.
 * <p>
 * The test's own clients ({@link RedisNode#commands()}, {@link TestRedis#commands()}, the
 * sentinel and cluster helpers, {@link RedisMonitor}) apply it, so they work on a
 * protected topology as on an open one.
 */
public record RedisSecurity(String password, String sentinelPassword, boolean tls) {

	/** The password of {@link #withPassword()}. */
	public static final String PASSWORD = "test-redis-password";

	/** The sentinels' password of {@link #withSentinelPassword()}. */
	public static final String SENTINEL_PASSWORD = "test-sentinel-password";

	/** No password, no TLS. */
	public static final RedisSecurity NONE = new RedisSecurity(null, null, false);

	/** Redis requires {@link #PASSWORD}. */
	public RedisSecurity withPassword() {
		return withPassword(PASSWORD);
	}

	public RedisSecurity withPassword(String password) {
		return new RedisSecurity(password, this.sentinelPassword, this.tls);
	}

	/**
	 * Sentinels require {@link #SENTINEL_PASSWORD} (the {@code REDIS_SENTINEL_PASSWORD}
	 * case); only a Sentinel group has sentinels.
	 */
	public RedisSecurity withSentinelPassword() {
		return new RedisSecurity(this.password, SENTINEL_PASSWORD, this.tls);
	}

	/** Every process speaks TLS only, with the {@link TestTls} certificates. */
	public RedisSecurity withTls() {
		return new RedisSecurity(this.password, this.sentinelPassword, true);
	}

	public boolean hasPassword() {
		return this.password != null;
	}

	/** What a sentinel process itself requires: the sentinel password, and TLS. */
	RedisSecurity forSentinels() {
		return new RedisSecurity(this.sentinelPassword, null, this.tls);
	}

	/**
	 * The arguments of a data node listening on {@code port}: {@code --port} (or
	 * {@code --port 0} and {@code --tls-port}), the password and TLS settings.
	 */
	List<String> serverArguments(int port, boolean cluster) {
		List<String> args = new ArrayList<>();
		if (this.tls) {
			args.addAll(List.of("--port", "0", "--tls-port", String.valueOf(port), "--tls-cert-file",
					TestTls.serverCertificate().toString(), "--tls-key-file", TestTls.serverKey().toString(),
					"--tls-ca-cert-file", TestTls.caCertificate().toString(), "--tls-auth-clients", "no",
					"--tls-replication", "yes"));
			if (cluster) {
				args.addAll(List.of("--tls-cluster", "yes"));
			}
		}
		else {
			args.addAll(List.of("--port", String.valueOf(port)));
		}
		if (this.password != null) {
			args.addAll(List.of("--requirepass", this.password, "--masterauth", this.password));
		}
		return args;
	}

	/**
	 * The lines of a sentinel's configuration file for listening on {@code port}, with
	 * the sentinels' own password and TLS (this is {@link #forSentinels()}).
	 */
	String sentinelConfiguration(int port) {
		StringBuilder conf = new StringBuilder();
		if (this.tls) {
			conf.append("port 0\n");
			conf.append("tls-port ").append(port).append('\n');
			conf.append("tls-cert-file ").append(TestTls.serverCertificate()).append('\n');
			conf.append("tls-key-file ").append(TestTls.serverKey()).append('\n');
			conf.append("tls-ca-cert-file ").append(TestTls.caCertificate()).append('\n');
			conf.append("tls-auth-clients no\n");
			// the sentinels' own links, to the data nodes and to each other
			conf.append("tls-replication yes\n");
		}
		else {
			conf.append("port ").append(port).append('\n');
		}
		if (this.password != null) {
			conf.append("requirepass ").append(this.password).append('\n');
		}
		return conf.toString();
	}

	/**
	 * The {@code sentinel auth-pass} line, if the data nodes have a password: it must
	 * follow {@code sentinel monitor}.
	 */
	String sentinelAuthPass(String masterName) {
		return (this.password != null) ? "sentinel auth-pass " + masterName + " " + this.password + "\n" : "";
	}

	/** Lettuce's URI of one process with this protection. */
	public RedisURI uri(String host, int port) {
		return builder(host, port).build();
	}

	RedisURI.Builder builder(String host, int port) {
		RedisURI.Builder builder = RedisURI.Builder.redis(host, port);
		apply(builder);
		return builder;
	}

	/** Applies the password and TLS to a URI builder. */
	RedisURI.Builder apply(RedisURI.Builder builder) {
		if (this.password != null) {
			builder.withPassword(this.password.toCharArray());
		}
		if (this.tls) {
			builder.withSsl(true).withVerifyPeer(SslVerifyMode.FULL);
		}
		return builder;
	}

	/**
	 * A socket to the process, over TLS if it speaks TLS, already authenticated with the
	 * password if it has one: for raw RESP ({@code PING}, {@code MONITOR}).
	 */
	Socket connect(String host, int port, int timeoutMillis) throws IOException {
		Socket socket;
		if (this.tls) {
			socket = TestTls.connect(host, port, timeoutMillis);
		}
		else {
			socket = new Socket();
			socket.connect(new InetSocketAddress(host, port), timeoutMillis);
			socket.setSoTimeout(timeoutMillis);
		}
		if (this.password != null) {
			try {
				socket.getOutputStream().write(("AUTH " + this.password + "\r\n").getBytes(StandardCharsets.US_ASCII));
				socket.getOutputStream().flush();
				String reply = readLine(socket);
				if (!reply.equals("+OK")) {
					throw new IOException("AUTH failed: " + reply);
				}
			}
			catch (IOException ex) {
				socket.close();
				throw ex;
			}
		}
		return socket;
	}

	/** One RESP line, without its CRLF, read byte by byte (nothing read past it). */
	static String readLine(Socket socket) throws IOException {
		StringBuilder line = new StringBuilder();
		InputStream in = socket.getInputStream();
		while (true) {
			int b = in.read();
			if (b < 0) {
				throw new IOException("Connection closed after '" + line + "'");
			}
			if (b == '\n' && line.length() > 0 && line.charAt(line.length() - 1) == '\r') {
				line.setLength(line.length() - 1);
				return line.toString();
			}
			line.append((char) b);
		}
	}

	@Override
	public String toString() {
		if (this.equals(NONE)) {
			return "no password, no TLS";
		}
		return ((this.password != null) ? "password" : "no password")
				+ ((this.sentinelPassword != null) ? ", sentinel password" : "") + (this.tls ? ", TLS" : ", no TLS");
	}

}
