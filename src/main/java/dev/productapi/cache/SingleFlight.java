package dev.productapi.cache;

import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentMap;
import java.util.function.Supplier;

/**
 * At most one load per key at a time in this JVM: concurrent callers for the same key
 * wait for the first caller's result instead of each loading it.
 */
final class SingleFlight<K, V> {

	private final ConcurrentMap<K, CompletableFuture<V>> inFlight = new ConcurrentHashMap<>();

	/** Told of each caller that joins another's load, before it waits. */
	private final Runnable onJoin;

	SingleFlight(Runnable onJoin) {
		this.onJoin = onJoin;
	}

	/** The loaded value, and whether this caller loaded it or joined another's load. */
	record Flight<V>(V value, boolean joined) {
	}

	Flight<V> run(K key, Supplier<V> loader) {
		CompletableFuture<V> mine = new CompletableFuture<>();
		CompletableFuture<V> running = this.inFlight.putIfAbsent(key, mine);
		if (running != null) {
			this.onJoin.run();
			return new Flight<>(join(running), true);
		}
		try {
			V value = loader.get();
			mine.complete(value);
			return new Flight<>(value, false);
		}
		catch (RuntimeException | Error ex) {
			mine.completeExceptionally(ex);
			throw ex;
		}
		finally {
			this.inFlight.remove(key, mine);
		}
	}

	private static <V> V join(CompletableFuture<V> running) {
		try {
			return running.join();
		}
		catch (CompletionException ex) {
			if (ex.getCause() instanceof RuntimeException cause) {
				throw cause;
			}
			throw ex;
		}
	}

}
