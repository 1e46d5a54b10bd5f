package dev.productapi.cache;

import java.util.concurrent.ExecutionException;
import java.util.concurrent.Future;
import java.util.concurrent.locks.Lock;
import java.util.concurrent.locks.ReentrantLock;

import io.lettuce.core.RedisClient;
import io.lettuce.core.RedisConnectionException;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisURI;
import io.lettuce.core.api.StatefulRedisConnection;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.ByteArrayCodec;
import io.lettuce.core.codec.RedisCodec;
import io.lettuce.core.codec.StringCodec;

/**
 * The cache's one connection to Redis, shared by every request: Lettuce multiplexes
 * commands from any number of threads over it, so a pool would only add sockets and
 * hand-offs.
 * <p>
 * It is opened on first use rather than at start-up, so the API starts without Redis; a
 * failed open throws like any failed command and the circuit breaker decides when to try
 * again. Once open, Lettuce reconnects it by itself.
 */
final class CacheConnection implements AutoCloseable {

	/** String keys, byte values: JSON goes to and from Redis as bytes, never decoded. */
	static final RedisCodec<String, byte[]> CODEC = RedisCodec.of(StringCodec.UTF8, ByteArrayCodec.INSTANCE);

	private final RedisClient client;

	private final RedisURI uri;

	private final Lock opening = new ReentrantLock();

	private volatile StatefulRedisConnection<String, byte[]> connection;

	private volatile int failedOpens;

	private volatile boolean closed;

	CacheConnection(RedisClient client, RedisURI uri) {
		this.client = client;
		this.uri = uri;
	}

	RedisAsyncCommands<String, byte[]> commands() {
		StatefulRedisConnection<String, byte[]> open = this.connection;
		return (open != null) ? open.async() : open().async();
	}

	private StatefulRedisConnection<String, byte[]> open() {
		int failedBefore = this.failedOpens;
		this.opening.lock();
		try {
			if (this.closed) {
				throw new RedisException("The cache connection is closed");
			}
			if (this.connection != null) {
				return this.connection;
			}
			// Callers that queued behind a failed open fail with it, instead of each
			// paying the connect timeout in turn.
			if (this.failedOpens != failedBefore) {
				throw new RedisConnectionException("Redis could not be reached just now");
			}
			StatefulRedisConnection<String, byte[]> opened;
			try {
				opened = this.client.connect(CODEC, this.uri);
			}
			catch (RuntimeException ex) {
				this.failedOpens++;
				throw ex;
			}
			this.connection = opened;
			// Published before this check, so a close() that ran meanwhile either saw the
			// connection and closed it, or is seen here.
			if (this.closed) {
				opened.close();
				throw new RedisException("The cache connection is closed");
			}
			return opened;
		}
		finally {
			this.opening.unlock();
		}
	}

	/** How many opens have failed; each paid the connect timeout. */
	int failedOpens() {
		return this.failedOpens;
	}

	/**
	 * The command's result. The wait has no timer of its own: Lettuce fails every command
	 * that has no reply after the command timeout, and an untimed wait keeps a virtual
	 * thread's park off the JDK's delay scheduler, which costs a thread wake-up per
	 * request.
	 */
	static <T> T await(Future<T> command) {
		try {
			return command.get();
		}
		catch (ExecutionException ex) {
			throw (ex.getCause() instanceof RuntimeException failure) ? failure : new RedisException(ex.getCause());
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new RedisException("Interrupted while waiting for Redis", ex);
		}
	}

	/**
	 * Closes the connection without waiting for an open in progress: at shutdown,
	 * Lettuce's event loop may stop under that open and leave it waiting for good.
	 */
	@Override
	public void close() {
		this.closed = true;
		StatefulRedisConnection<String, byte[]> open = this.connection;
		if (open != null) {
			open.close();
		}
	}

}
