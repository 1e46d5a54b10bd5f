package dev.productapi.cache;

import java.time.Duration;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.function.Function;

import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

import dev.productapi.cache.SingleFlight.Flight;

/**
 * Read-through access to products, cache-aside with leases: the whole read protocol in
 * one place. ARCHITECTURE.md walks through the races each step closes.
 * <ol>
 * <li>A product with an invalidation still pending is read from the database.
 * <li>A hit (in the near cache, or in Redis) is served as the stored JSON bytes.
 * <li>On a miss, one caller per JVM loads the product: it takes the key's lease, reads
 * the database and fills the key only if the lease is still there. Concurrent callers
 * wait for that load; a caller that finds another instance's lease waits briefly for that
 * instance's fill.
 * <li>Whenever Redis is unavailable, the database answers.
 * </ol>
 */
@Component
public class ProductCache {

	private static final Duration FILL_POLL_INTERVAL = Duration.ofMillis(5);

	private final RedisEntries redis;

	private final CacheInvalidator invalidator;

	private final NearCache near;

	private final Duration leaseWait;

	private final SingleFlight<UUID, Load> loads = new SingleFlight<>();

	private final Map<CacheStatus, Counter> requests = new EnumMap<>(CacheStatus.class);

	private final Counter errors;

	private final Counter nearHits;

	private final Counter databaseReads;

	ProductCache(RedisEntries redis, CacheInvalidator invalidator, Optional<NearCache> near, CacheProperties properties,
			MeterRegistry meters) {
		this.redis = redis;
		this.invalidator = invalidator;
		this.near = near.orElse(null);
		this.leaseWait = properties.leaseWait();
		for (CacheStatus status : CacheStatus.values()) {
			this.requests.put(status, requestCounter(status.name().toLowerCase(), meters));
		}
		this.errors = requestCounter("error", meters);
		this.nearHits = Counter.builder("product.cache.near.hits")
			.description("Product reads served from the in-process near cache")
			.register(meters);
		this.databaseReads = Counter.builder("product.db.reads")
			.description("Product reads that reached the database")
			.register(meters);
	}

	private static Counter requestCounter(String result, MeterRegistry meters) {
		return Counter.builder("product.cache.requests")
			.description("Product cache lookups by result")
			.tag("result", result)
			.register(meters);
	}

	/**
	 * The product's JSON, from the cache when it can be trusted, otherwise from
	 * {@code database}, which returns the JSON or {@code null} for "no such product".
	 */
	public CachedRead read(UUID id, Function<UUID, byte[]> database) {
		if (this.invalidator.isPending(id)) {
			this.requests.get(CacheStatus.BYPASS).increment();
			return fromDatabase(id, database);
		}
		byte[] local = (this.near != null) ? this.near.getIfPresent(id) : null;
		if (local != null) {
			this.nearHits.increment();
			this.requests.get(CacheStatus.HIT).increment();
			return new CachedRead(local, CacheStatus.HIT);
		}
		CacheLookup lookup = this.redis.lookup(id);
		count(lookup);
		return switch (lookup.state()) {
			case FOUND, ABSENT -> new CachedRead(lookup.json(), CacheStatus.HIT);
			case SKIPPED, FAILED -> fromDatabase(id, database);
			case EMPTY, FILLING -> loadOnce(id, database);
		};
	}

	private CachedRead loadOnce(UUID id, Function<UUID, byte[]> database) {
		Flight<Load> flight = this.loads.run(id, () -> load(id, database));
		// A joiner may have arrived after a write returned; it can trust the load only if
		// the lease proved that no write invalidated the key while the load was running.
		if (flight.joined() && !flight.value().safeToShare()) {
			return fromDatabase(id, database);
		}
		return flight.value().read();
	}

	private Load load(UUID id, Function<UUID, byte[]> database) {
		Lease lease = this.redis.tryLease(id);
		if (lease != null) {
			byte[] json = readDatabase(id, database);
			return new Load(new CachedRead(json, CacheStatus.MISS), this.redis.fill(id, lease, json));
		}
		// Another reader, maybe on another instance, is filling the key: use its value.
		CacheLookup filled = awaitFill(id);
		if (filled.isHit()) {
			return new Load(new CachedRead(filled.json(), CacheStatus.HIT), true);
		}
		return new Load(fromDatabase(id, database), false);
	}

	/**
	 * Waits a little for another reader's fill to land, so that a cold key costs the
	 * database one read across all instances rather than one per instance. Returns the
	 * lookup that ended the wait: a hit, or anything else if the fill did not land in
	 * time.
	 */
	private CacheLookup awaitFill(UUID id) {
		long deadline = System.nanoTime() + this.leaseWait.toNanos();
		CacheLookup lookup = this.redis.lookup(id);
		while (lookup.state() == CacheLookup.State.FILLING && System.nanoTime() - deadline < 0) {
			pause(FILL_POLL_INTERVAL);
			lookup = this.redis.lookup(id);
		}
		return lookup;
	}

	private CachedRead fromDatabase(UUID id, Function<UUID, byte[]> database) {
		return new CachedRead(readDatabase(id, database), CacheStatus.BYPASS);
	}

	private byte[] readDatabase(UUID id, Function<UUID, byte[]> database) {
		this.databaseReads.increment();
		return database.apply(id);
	}

	private void count(CacheLookup lookup) {
		switch (lookup.state()) {
			case FOUND, ABSENT -> this.requests.get(CacheStatus.HIT).increment();
			case EMPTY, FILLING -> this.requests.get(CacheStatus.MISS).increment();
			case SKIPPED -> this.requests.get(CacheStatus.BYPASS).increment();
			case FAILED -> this.errors.increment();
		}
	}

	/** Whether Redis is in use: false while the circuit breaker is open. */
	public boolean isAvailable() {
		return this.redis.isAvailable();
	}

	/** Whether Redis answered a PING just now; for start-up reporting. */
	public boolean ping() {
		return this.redis.ping();
	}

	private static void pause(Duration duration) {
		try {
			Thread.sleep(duration);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/** One load of a product, and whether callers that joined it may use its result. */
	private record Load(CachedRead read, boolean safeToShare) {
	}

}
