package dev.productapi.support;

import java.io.BufferedInputStream;
import java.io.BufferedOutputStream;
import java.io.ByteArrayOutputStream;
import java.io.DataInputStream;
import java.io.DataOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.Socket;
import java.nio.ByteBuffer;

import dev.productapi.support.CommitWatch.Ending;
import dev.productapi.support.TcpProxy.Trap;

/**
 * One client connection relayed by a {@link TcpProxy}: the client's messages one by one,
 * so each can be looked at ({@link CommitWatch}) before it is forwarded, and the server's
 * bytes as they come, unless a COMMIT was let through to be cut: then they are held back
 * and the link is closed once the server's answer is complete.
 */
final class PostgresLink {

	private static final int SSL_REQUEST = 80877103;

	private static final int GSS_ENCRYPTION_REQUEST = 80877104;

	private static final int CANCEL_REQUEST = 80877102;

	private final TcpProxy proxy;

	private final Socket client;

	private final Socket server;

	private final CommitWatch watch = new CommitWatch();

	/**
	 * Set before a COMMIT to be cut is forwarded, so no byte of its answer can be
	 * relayed.
	 */
	private volatile boolean holdingReplies;

	PostgresLink(TcpProxy proxy, Socket client, Socket server) {
		this.proxy = proxy;
		this.client = client;
		this.server = server;
	}

	void start() {
		Thread.ofVirtual().start(this::relayClient);
		Thread.ofVirtual().start(this::relayServer);
	}

	void close() {
		closeQuietly(this.client);
		closeQuietly(this.server);
		this.proxy.closed(this);
	}

	private void relayClient() {
		try {
			DataInputStream in = new DataInputStream(new BufferedInputStream(this.client.getInputStream()));
			DataOutputStream out = new DataOutputStream(new BufferedOutputStream(this.server.getOutputStream()));
			if (!relayStartup(in, out)) {
				relayRaw(in, out);
				return;
			}
			while (true) {
				int type = in.read();
				if (type < 0) {
					break;
				}
				byte[] body = in.readNBytes(in.readInt() - 4);
				byte[] marker = this.proxy.armedMarker();
				Trap.Action action = (this.watch.onMessage((char) type, body, marker) == Ending.COMMIT)
						? this.proxy.spring(marker) : null;
				if (action == Trap.Action.DROP) {
					this.proxy.sprung();
					break;
				}
				if (action == Trap.Action.CUT_AFTER) {
					this.holdingReplies = true;
				}
				out.write(type);
				out.writeInt(body.length + 4);
				out.write(body);
				if (in.available() == 0) {
					out.flush();
				}
			}
		}
		catch (IOException ex) {
			// either side closed
		}
		close();
	}

	/**
	 * Relays the untyped messages before the start-up message (SSL and GSS encryption
	 * requests, which the server declines) and the start-up message itself; false for a
	 * cancel request's connection, which carries nothing else of interest.
	 */
	private boolean relayStartup(DataInputStream in, DataOutputStream out) throws IOException {
		while (true) {
			int length = in.readInt();
			byte[] rest = in.readNBytes(length - 4);
			out.writeInt(length);
			out.write(rest);
			out.flush();
			int code = ByteBuffer.wrap(rest).getInt();
			if (code == CANCEL_REQUEST) {
				return false;
			}
			if (code != SSL_REQUEST && code != GSS_ENCRYPTION_REQUEST) {
				return true;
			}
		}
	}

	private void relayServer() {
		try {
			InputStream in = this.server.getInputStream();
			OutputStream out = this.client.getOutputStream();
			ByteArrayOutputStream held = new ByteArrayOutputStream();
			byte[] buffer = new byte[16384];
			for (int read = in.read(buffer); read >= 0; read = in.read(buffer)) {
				if (!this.holdingReplies) {
					out.write(buffer, 0, read);
					continue;
				}
				held.write(buffer, 0, read);
				if (endsWithReadyForQuery(held.toByteArray())) {
					// the server has committed and said so; the client never hears it
					this.proxy.sprung();
					break;
				}
			}
		}
		catch (IOException ex) {
			// either side closed
		}
		close();
	}

	/** Whether the bytes end with a complete ReadyForQuery: 'Z', length 5, status. */
	private static boolean endsWithReadyForQuery(byte[] bytes) {
		int at = bytes.length - 6;
		return at >= 0 && bytes[at] == 'Z' && bytes[at + 1] == 0 && bytes[at + 2] == 0 && bytes[at + 3] == 0
				&& bytes[at + 4] == 5;
	}

	private static void relayRaw(InputStream in, OutputStream out) throws IOException {
		in.transferTo(out);
		out.flush();
	}

	private static void closeQuietly(Socket socket) {
		try {
			socket.close();
		}
		catch (IOException ex) {
			// nothing to do
		}
	}

}
