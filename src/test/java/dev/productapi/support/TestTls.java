package dev.productapi.support;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.cert.Certificate;
import java.security.cert.CertificateFactory;

import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import io.lettuce.core.SslOptions;

/**
 * The test CA and the server certificate that every TLS test topology uses, from
 * {@code src/test/resources/tls} (how they were made: the README there). The server
 * certificate is for {@code 127.0.0.1} and {@code localhost}, signed by the test CA,
 * which no JVM trusts by default. The files are copied once per JVM to a temporary
 * directory, so that {@code redis-server} and the API read them as plain files wherever
 * the test classes are.
 */
public final class TestTls {

	private static volatile Path directory;

	private static volatile SSLContext context;

	private TestTls() {
	}

	/** The test CA's certificate (PEM): what a client must trust. */
	public static Path caCertificate() {
		return directory().resolve("ca.pem");
	}

	/** The server's certificate (PEM), for 127.0.0.1 and localhost. */
	public static Path serverCertificate() {
		return directory().resolve("server.pem");
	}

	/** The server's private key (PEM). */
	public static Path serverKey() {
		return directory().resolve("server-key.pem");
	}

	/** Lettuce's SSL options trusting the test CA (and nothing else). */
	public static SslOptions sslOptions() {
		return SslOptions.builder().jdkSslProvider().trustManager(caCertificate().toFile()).build();
	}

	/**
	 * A TLS socket to the address, connected and through its handshake, trusting the test
	 * CA and checking the server's name.
	 */
	public static Socket connect(String host, int port, int timeoutMillis) throws IOException {
		Socket plain = new Socket();
		try {
			plain.connect(new InetSocketAddress(host, port), timeoutMillis);
			plain.setSoTimeout(timeoutMillis);
			SSLSocket socket = (SSLSocket) sslContext().getSocketFactory().createSocket(plain, host, port, true);
			SSLParameters parameters = socket.getSSLParameters();
			parameters.setEndpointIdentificationAlgorithm("HTTPS");
			socket.setSSLParameters(parameters);
			socket.startHandshake();
			return socket;
		}
		catch (IOException | RuntimeException ex) {
			plain.close();
			throw ex;
		}
	}

	private static SSLContext sslContext() {
		if (context == null) {
			synchronized (TestTls.class) {
				if (context == null) {
					context = newSslContext();
				}
			}
		}
		return context;
	}

	private static SSLContext newSslContext() {
		try (InputStream in = Files.newInputStream(caCertificate())) {
			KeyStore trusted = KeyStore.getInstance(KeyStore.getDefaultType());
			trusted.load(null, null);
			int i = 0;
			for (Certificate certificate : CertificateFactory.getInstance("X.509").generateCertificates(in)) {
				trusted.setCertificateEntry("test-ca-" + i++, certificate);
			}
			TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			trust.init(trusted);
			SSLContext created = SSLContext.getInstance("TLS");
			created.init(null, trust.getTrustManagers(), null);
			return created;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException("Cannot trust the test CA", ex);
		}
	}

	private static Path directory() {
		if (directory == null) {
			synchronized (TestTls.class) {
				if (directory == null) {
					Path copied = RedisNode.newDirectory("test-tls-");
					for (String name : new String[] { "ca.pem", "server.pem", "server-key.pem" }) {
						copy("tls/" + name, copied.resolve(name));
					}
					directory = copied;
				}
			}
		}
		return directory;
	}

	private static void copy(String resource, Path target) {
		try (InputStream in = TestTls.class.getClassLoader().getResourceAsStream(resource)) {
			if (in == null) {
				throw new IllegalStateException("No " + resource + " on the test class path");
			}
			Files.copy(in, target);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
