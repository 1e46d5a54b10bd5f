package dev.productapi.product;

import java.util.UUID;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.stereotype.Service;

import dev.productapi.cache.CacheLookup;
import dev.productapi.cache.CacheStatus;
import dev.productapi.cache.ProductCache;

/**
 * The cache-aside protocol: reads try Redis first and fill it on a miss; writes go to the
 * database first and then invalidate the key.
 */
@Service
public class ProductService {

	private final ProductRepository repository;

	private final ProductCache cache;

	private final JsonMapper json;

	private final Counter databaseReads;

	public ProductService(ProductRepository repository, ProductCache cache, JsonMapper json, MeterRegistry meters) {
		this.repository = repository;
		this.cache = cache;
		this.json = json;
		this.databaseReads = Counter.builder("product.db.reads")
			.description("Product reads that reached the database")
			.register(meters);
	}

	/** The product's JSON, straight from the cache on a hit, so it is never parsed just to be written again. */
	public ProductJson read(UUID id) {
		CacheLookup lookup = this.cache.get(id);
		if (lookup.status() == CacheStatus.HIT) {
			return new ProductJson(lookup.json(), CacheStatus.HIT);
		}
		this.databaseReads.increment();
		Product product = this.repository.findById(id).orElseThrow(() -> new ProductNotFoundException(id));
		byte[] json = this.json.writeValueAsBytes(product);
		if (lookup.status() == CacheStatus.MISS) {
			this.cache.put(id, json);
		}
		return new ProductJson(json, lookup.status());
	}

	public Product create(Product product) {
		this.repository.insert(product);
		this.cache.evict(product.id());
		return product;
	}

	public Product update(UUID id, ProductChanges changes) {
		Product updated = this.repository.update(id, changes).orElseThrow(() -> new ProductNotFoundException(id));
		this.cache.evict(id);
		return updated;
	}

	public void delete(UUID id) {
		if (!this.repository.delete(id)) {
			throw new ProductNotFoundException(id);
		}
		this.cache.evict(id);
	}

	public record ProductJson(byte[] json, CacheStatus cacheStatus) {
	}

}
