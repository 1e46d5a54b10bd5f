package dev.productapi.product;

import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.function.Consumer;
import java.util.function.Supplier;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.task.TaskExecutionAutoConfiguration;
import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import dev.productapi.cache.CacheInvalidator;
import dev.productapi.cache.CachedRead;
import dev.productapi.cache.ProductCache;
import dev.productapi.tracing.TracedSteps;

/**
 * Products, read through the cache and written to the database first: each write commits
 * with an outbox entry, then invalidates the product's cache entry.
 */
@Service
public class ProductService {

	private static final long NO_ENTRY = -1;

	private final ProductRepository repository;

	private final ProductCache cache;

	private final CacheInvalidator invalidator;

	private final TransactionTemplate transactions;

	private final JsonMapper json;

	/** Where misses are finished: they may wait on the database. */
	private final Executor blocking;

	private final TracedSteps steps;

	public ProductService(ProductRepository repository, ProductCache cache, CacheInvalidator invalidator,
			TransactionTemplate transactions, JsonMapper json,
			@Qualifier(TaskExecutionAutoConfiguration.APPLICATION_TASK_EXECUTOR_BEAN_NAME) Executor blocking,
			TracedSteps steps) {
		this.repository = repository;
		this.steps = steps;
		this.blocking = blocking;
		this.cache = cache;
		this.invalidator = invalidator;
		this.transactions = transactions;
		this.json = json;
	}

	/**
	 * The product, through the cache; fails with {@link ProductNotFoundException}. A hit
	 * from Redis completes on Lettuce's event loop, where it can be answered without
	 * blocking; see {@link ProductCache#read}.
	 */
	public CompletableFuture<VersionedJson> read(UUID id) {
		return this.cache.read(id, this::readDatabase, this.blocking).thenApply((read) -> {
			if (!read.found()) {
				throw new ProductNotFoundException(id);
			}
			return new VersionedJson(read.json(), ProductJson.version(read.json()), read.status());
		});
	}

	/**
	 * Several products' JSON, through the cache, in the order asked for; products that do
	 * not exist are left out.
	 */
	public Map<UUID, byte[]> readAll(List<UUID> ids) {
		Map<UUID, CachedRead> reads = this.cache.readAll(ids, this::readDatabase);
		Map<UUID, byte[]> found = new LinkedHashMap<>();
		for (UUID id : ids) {
			CachedRead read = reads.get(id);
			if (read != null && read.found()) {
				found.put(id, read.json());
			}
		}
		return found;
	}

	private Map<UUID, byte[]> readDatabase(Collection<UUID> ids) {
		Map<UUID, byte[]> jsons = new HashMap<>();
		this.repository.findAll(ids)
			.forEach((product) -> jsons.put(product.id(), this.json.writeValueAsBytes(product)));
		return jsons;
	}

	/**
	 * The product's JSON from the database, or {@code null} if there is no such product.
	 */
	private byte[] readDatabase(UUID id) {
		// Spring Boot has no JDBC instrumentation: this span is the database's part of a
		// trace.
		return this.steps.observe(TracedSteps.DATABASE_READ,
				() -> this.repository.findById(id).map(this.json::writeValueAsBytes).orElse(null));
	}

	public Product create(Product product) {
		return create(product, (inserted) -> {
		});
	}

	/**
	 * Creates the product and, in the same transaction, runs {@code alsoInTransaction}:
	 * what it writes commits with the product, and if it throws, nothing is created.
	 */
	public Product create(Product product, Consumer<Product> alsoInTransaction) {
		return writeThenInvalidate(product.id(), () -> {
			this.repository.insert(product);
			alsoInTransaction.accept(product);
			return product;
		});
	}

	/** Inserts the product unless one with its id exists; returns whether it inserted. */
	boolean createIfAbsent(Product product) {
		return writeThenInvalidate(product.id(), () -> this.repository.insertIfAbsent(product));
	}

	/** Applies the changes if the product's version is one of those expected. */
	public Product update(UUID id, ProductChanges changes, ExpectedVersions expected) {
		return writeThenInvalidate(id,
				() -> this.repository.update(id, changes, expected).orElseThrow(() -> notWritten(id, expected)));
	}

	/** Deletes the product if its version is one of those expected. */
	public void delete(UUID id, ExpectedVersions expected) {
		writeThenInvalidate(id, () -> {
			if (!this.repository.delete(id, expected)) {
				throw notWritten(id, expected);
			}
			return null;
		});
	}

	/** Why a write changed nothing: no such product, or not at an expected version. */
	private RuntimeException notWritten(UUID id, ExpectedVersions expected) {
		return (!expected.isAny() && this.repository.exists(id)) ? new VersionMismatchException(id)
				: new ProductNotFoundException(id);
	}

	/**
	 * Commits the write together with its outbox entry, then invalidates. A write that
	 * fails before its commit rolls back both and leaves the cache alone. A failed commit
	 * may still have happened (the connection can die after the server committed), so the
	 * cache entry goes as if it had; the delete is harmless if it did not.
	 */
	private <T> T writeThenInvalidate(UUID id, Supplier<T> write) {
		long[] outboxEntry = { NO_ENTRY };
		T result;
		try {
			result = this.transactions.execute((status) -> {
				T written = write.get();
				outboxEntry[0] = this.invalidator.record(id);
				return written;
			});
		}
		catch (RuntimeException ex) {
			if (outboxEntry[0] != NO_ENTRY) {
				this.invalidator.invalidateAfterFailedCommit(id, outboxEntry[0]);
			}
			throw ex;
		}
		this.invalidator.invalidate(id, outboxEntry[0]);
		return result;
	}

}
