package dev.productapi.product;

import java.util.UUID;
import java.util.function.Supplier;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Service;
import org.springframework.transaction.support.TransactionTemplate;

import dev.productapi.cache.CacheInvalidator;
import dev.productapi.cache.CacheLookup;
import dev.productapi.cache.CacheStatus;
import dev.productapi.cache.Lease;
import dev.productapi.cache.ProductCache;
import dev.productapi.cache.SingleFlight;
import dev.productapi.cache.SingleFlight.Flight;

/**
 * The cache protocol. Reads are cache-aside with leases; writes commit to the database with
 * an outbox entry, then invalidate. ARCHITECTURE.md walks through the races this prevents.
 */
@Service
public class ProductService {

	private final ProductRepository repository;

	private final ProductCache cache;

	private final CacheInvalidator invalidator;

	private final TransactionTemplate transactions;

	private final JsonMapper json;

	private final SingleFlight<UUID, Load> loads = new SingleFlight<>();

	private final Counter databaseReads;

	public ProductService(ProductRepository repository, ProductCache cache, CacheInvalidator invalidator,
			TransactionTemplate transactions, JsonMapper json, MeterRegistry meters) {
		this.repository = repository;
		this.cache = cache;
		this.invalidator = invalidator;
		this.transactions = transactions;
		this.json = json;
		this.databaseReads = Counter.builder("product.db.reads")
			.description("Product reads that reached the database")
			.register(meters);
	}

	/**
	 * The product's JSON. On a hit it is Redis's bytes as they are; on a miss, one caller per
	 * JVM loads it under a lease while concurrent callers wait for that load.
	 */
	public ProductJson read(UUID id) {
		if (this.invalidator.isPending(id)) {
			this.cache.countBypass();
			return fromDatabase(id);
		}
		CacheLookup lookup = this.cache.get(id);
		return switch (lookup.state()) {
			case FOUND -> new ProductJson(lookup.json(), CacheStatus.HIT);
			case ABSENT -> throw new ProductNotFoundException(id);
			case BYPASS -> fromDatabase(id);
			case MISS, FILLING -> loadShared(id);
		};
	}

	private ProductJson loadShared(UUID id) {
		Flight<Load> flight = this.loads.run(id, () -> load(id));
		Load load = flight.value();
		// A joiner may have arrived after a write returned; it can trust the load only if the
		// lease proved that no write invalidated the key while the load was running.
		if (flight.joined() && !load.safeToShare()) {
			return fromDatabase(id);
		}
		return load.toJson(id);
	}

	private Load load(UUID id) {
		Lease lease = this.cache.tryLease(id);
		if (lease != null) {
			byte[] json = readDatabase(id);
			return new Load(json, CacheStatus.MISS, this.cache.fill(id, lease, json));
		}
		// Another reader, maybe on another instance, is filling the key: use its value.
		CacheLookup filled = this.cache.awaitFill(id);
		if (filled.isHit()) {
			return new Load(filled.json(), CacheStatus.HIT, true);
		}
		return new Load(readDatabase(id), CacheStatus.BYPASS, false);
	}

	private ProductJson fromDatabase(UUID id) {
		return new Load(readDatabase(id), CacheStatus.BYPASS, false).toJson(id);
	}

	/** The product's JSON from the database, or {@code null} if there is no such product. */
	private byte[] readDatabase(UUID id) {
		this.databaseReads.increment();
		return this.repository.findById(id).map(this.json::writeValueAsBytes).orElse(null);
	}

	public Product create(Product product) {
		return writeThenInvalidate(product.id(), () -> {
			this.repository.insert(product);
			return product;
		});
	}

	/** Inserts the product unless one with its id exists; returns whether it inserted. */
	boolean createIfAbsent(Product product) {
		return writeThenInvalidate(product.id(), () -> this.repository.insertIfAbsent(product));
	}

	public Product update(UUID id, ProductChanges changes) {
		return writeThenInvalidate(id,
				() -> this.repository.update(id, changes).orElseThrow(() -> new ProductNotFoundException(id)));
	}

	public void delete(UUID id) {
		writeThenInvalidate(id, () -> {
			if (!this.repository.delete(id)) {
				throw new ProductNotFoundException(id);
			}
			return null;
		});
	}

	/**
	 * Commits the write together with its outbox entry, then invalidates. A write that fails
	 * rolls back both, and leaves the cache alone.
	 */
	private <T> T writeThenInvalidate(UUID id, Supplier<T> write) {
		Written<T> written = this.transactions.execute((status) -> new Written<>(write.get(), this.invalidator.record(id)));
		this.invalidator.invalidate(id, written.outboxEntry());
		return written.result();
	}

	private record Written<T>(T result, long outboxEntry) {
	}

	/** One load of a product: its JSON ({@code null} if absent), and whether others may use it. */
	private record Load(byte[] json, CacheStatus status, boolean safeToShare) {

		ProductJson toJson(UUID id) {
			if (this.json == null) {
				throw new ProductNotFoundException(id);
			}
			return new ProductJson(this.json, this.status);
		}

	}

	public record ProductJson(byte[] json, CacheStatus cacheStatus) {
	}

}
