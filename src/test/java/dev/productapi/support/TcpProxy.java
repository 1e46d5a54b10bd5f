package dev.productapi.support;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import static org.awaitility.Awaitility.await;

/**
 * A TCP proxy on 127.0.0.1 in front of a PostgreSQL server, for putting between the API
 * and its database ({@code DATABASE_URL} names {@link #port()}), that can break a
 * connection at the worst moment of a transaction:
 * <ul>
 * <li>{@link #cutAfterCommit(String)}: the COMMIT reaches the server, which commits and
 * answers, but both sides are closed before the answer is relayed, so the client cannot
 * tell whether its write happened: it did.
 * <li>{@link #dropCommit(String)}: both sides are closed instead of forwarding the
 * COMMIT: the client cannot tell either, and the server rolls back.
 * </ul>
 * Each arms the proxy for one COMMIT, of the first transaction that sends the marker (a
 * value bound to a statement of the test's write, say); {@link CommitWatch} picks it out
 * of the protocol. Everything else is relayed as it is. TLS is not: the server must not
 * offer it (a {@link TestPostgres} does not).
 */
public final class TcpProxy implements AutoCloseable {

	private final ServerSocket listener;

	private final InetSocketAddress target;

	private final Set<PostgresLink> links = ConcurrentHashMap.newKeySet();

	private final AtomicReference<Trap> trap = new AtomicReference<>();

	private final AtomicInteger sprung = new AtomicInteger();

	private TcpProxy(InetSocketAddress target) throws IOException {
		this.target = target;
		this.listener = new ServerSocket(0, 50, InetAddress.getByName("127.0.0.1"));
		Thread.ofVirtual().name("tcp-proxy-accept-" + port()).start(this::accept);
	}

	/** A proxy to the server, listening on a free port. */
	public static TcpProxy to(TestPostgres postgres) {
		try {
			return new TcpProxy(new InetSocketAddress(TestPostgres.HOST, postgres.port()));
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public int port() {
		return this.listener.getLocalPort();
	}

	/**
	 * A libpq-style {@code DATABASE_URL} for the server's {@value TestPostgres#DATABASE}
	 * database through the proxy.
	 */
	public String url() {
		return "postgresql://" + TestPostgres.USER + "@127.0.0.1:" + port() + "/" + TestPostgres.DATABASE;
	}

	/**
	 * The next COMMIT of a transaction that sent {@code marker} goes through, and the
	 * connection is cut on both sides once the server has answered it, before the answer
	 * is relayed.
	 */
	public void cutAfterCommit(String marker) {
		arm(new Trap(Trap.Action.CUT_AFTER, marker));
	}

	/**
	 * The next COMMIT of a transaction that sent {@code marker} is not forwarded: the
	 * connection is cut on both sides instead.
	 */
	public void dropCommit(String marker) {
		arm(new Trap(Trap.Action.DROP, marker));
	}

	/** How many connections were cut by an armed COMMIT so far. */
	public int cuts() {
		return this.sprung.get();
	}

	/** Whether a trap is armed and has not been sprung yet. */
	public boolean isArmed() {
		return this.trap.get() != null;
	}

	public void disarm() {
		this.trap.set(null);
	}

	/** The connections relayed at the moment. */
	public int connections() {
		return this.links.size();
	}

	private void arm(Trap trap) {
		if (!this.trap.compareAndSet(null, trap)) {
			throw new IllegalStateException("The proxy is armed already");
		}
	}

	/** The trap's marker, while one is armed, for the links to look for. */
	byte[] armedMarker() {
		Trap armed = this.trap.get();
		return (armed != null) ? armed.marker() : null;
	}

	/**
	 * Called by a link whose client runs a COMMIT of a transaction that sent the armed
	 * marker: takes the trap (only one link springs it) and says what to do.
	 */
	Trap.Action spring(byte[] marker) {
		Trap armed = this.trap.get();
		if (armed == null || armed.marker() != marker || !this.trap.compareAndSet(armed, null)) {
			return null;
		}
		return armed.action();
	}

	void sprung() {
		this.sprung.incrementAndGet();
	}

	void closed(PostgresLink link) {
		this.links.remove(link);
	}

	/** Waits until the armed trap has been sprung. */
	public void awaitSprung(Duration timeout) {
		await("the proxy's armed COMMIT has come").atMost(timeout).until(() -> !isArmed());
	}

	private void accept() {
		while (!this.listener.isClosed()) {
			try {
				Socket client = this.listener.accept();
				Socket server = new Socket();
				try {
					server.connect(this.target, 2000);
				}
				catch (IOException ex) {
					// as the server itself would: refused
					client.close();
					continue;
				}
				PostgresLink link = new PostgresLink(this, client, server);
				this.links.add(link);
				link.start();
			}
			catch (IOException ex) {
				// closed
			}
		}
	}

	@Override
	public void close() {
		try {
			this.listener.close();
		}
		catch (IOException ex) {
			// nothing to do
		}
		this.links.forEach(PostgresLink::close);
	}

	/** One armed break. */
	record Trap(Action action, byte[] marker) {

		Trap(Action action, String marker) {
			this(action, marker.getBytes(StandardCharsets.UTF_8));
		}

		enum Action {

			CUT_AFTER, DROP

		}

	}

}
