package dev.productapi.product;

import java.util.ArrayList;
import java.util.Collection;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.function.Consumer;
import java.util.function.Supplier;

import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import dev.productapi.cache.CacheAttempt;
import dev.productapi.cache.CacheInvalidator;
import dev.productapi.cache.CacheStatus;
import dev.productapi.cache.CachedRead;
import dev.productapi.cache.ProductCache;

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

	public ProductService(ProductRepository repository, ProductCache cache, CacheInvalidator invalidator,
			TransactionTemplate transactions, JsonMapper json) {
		this.repository = repository;
		this.cache = cache;
		this.invalidator = invalidator;
		this.transactions = transactions;
		this.json = json;
	}

	/**
	 * A read's first step, which does not block: see {@link ProductCache#lookUp}. Serve
	 * {@link #hit} if there is one, else finish with {@link #read(UUID, CacheAttempt)}.
	 */
	public CompletableFuture<CacheAttempt> startRead(UUID id) {
		return this.cache.lookUp(id);
	}

	/** The product, if the first step found it in the cache in this release's format. */
	public VersionedJson hit(CacheAttempt attempt) {
		CachedRead hit = attempt.hit();
		long version = (hit != null) ? ProductJson.version(hit.json()) : -1;
		return (version >= 0) ? new VersionedJson(hit.json(), version, hit.status()) : null;
	}

	/** Finishes a read that {@link #startRead} began; may block. */
	public VersionedJson read(UUID id, CacheAttempt attempt) {
		CachedRead read = this.cache.read(id, attempt, this::readDatabase);
		if (!read.found()) {
			throw new ProductNotFoundException(id);
		}
		long version = ProductJson.version(read.json());
		if (version >= 0) {
			return new VersionedJson(read.json(), version, read.status());
		}
		// Cached by a release from before versions: drop it and serve the database's row.
		this.cache.evict(id);
		byte[] json = readDatabase(id);
		if (json == null) {
			throw new ProductNotFoundException(id);
		}
		return new VersionedJson(json, ProductJson.version(json), CacheStatus.BYPASS);
	}

	/**
	 * Several products' JSON, through the cache, in the order asked for; products that do
	 * not exist are left out.
	 */
	public Map<UUID, byte[]> readAll(List<UUID> ids) {
		Map<UUID, byte[]> found = new LinkedHashMap<>();
		List<UUID> outdated = new ArrayList<>();
		this.cache.readAll(ids, this::readDatabase).forEach((id, read) -> {
			if (read.found() && ProductJson.version(read.json()) < 0) {
				outdated.add(id);
			}
			else if (read.found()) {
				found.put(id, read.json());
			}
		});
		if (!outdated.isEmpty()) {
			// Cached by a release from before versions: drop them and serve the
			// database's rows.
			outdated.forEach(this.cache::evict);
			found.putAll(readDatabase(outdated));
		}
		Map<UUID, byte[]> ordered = new LinkedHashMap<>();
		ids.stream().filter(found::containsKey).forEach((id) -> ordered.put(id, found.get(id)));
		return ordered;
	}

	/** A page of the list, from the database. */
	public ProductPage list(ProductFilter filter, ListPosition after, int limit) {
		return this.repository.list(filter, after, limit);
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
		return this.repository.findById(id).map(this.json::writeValueAsBytes).orElse(null);
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
