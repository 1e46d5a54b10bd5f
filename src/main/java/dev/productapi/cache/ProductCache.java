package dev.productapi.cache;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.EnumMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.Set;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.Executor;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Function;

import io.micrometer.context.ContextSnapshot;
import io.micrometer.context.ContextSnapshotFactory;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.observation.Observation;

import org.springframework.stereotype.Component;

import dev.productapi.cache.SingleFlight.Flight;
import dev.productapi.tracing.TracedSteps;

/**
 * Read-through access to products, cache-aside with leases: the whole read protocol in
 * one place. ARCHITECTURE.md walks through the races each step closes.
 * <ol>
 * <li>A product with an invalidation still pending is read from the database.
 * <li>A hit (in the near cache, or in Redis) is served as the stored JSON bytes.
 * <li>On a miss, one caller per JVM loads the product: it takes the key's lease, reads
 * the database and fills the key only if the lease is still there. Concurrent callers
 * wait for that load and use it if its read began after they arrived; a caller that finds
 * another instance's lease waits briefly for that instance's fill.
 * <li>Whenever Redis is unavailable, the database answers.
 * </ol>
 */
@Component
public class ProductCache {

	private static final Duration FILL_POLL_INTERVAL = Duration.ofMillis(5);

	private static final ContextSnapshotFactory contexts = ContextSnapshotFactory.builder().build();

	private final RedisEntries redis;

	private final CacheInvalidator invalidator;

	private final NearCache near;

	private final Duration leaseWait;

	private final boolean joinerTrustCheck;

	private final SingleFlight<UUID, Load> loads;

	/**
	 * Orders arrivals and the starts of reads, to tell which loads a joiner may trust.
	 */
	private final AtomicLong readOrder = new AtomicLong();

	private final Map<CacheStatus, Counter> requests = new EnumMap<>(CacheStatus.class);

	private final Counter errors;

	private final Counter nearHits;

	private final Counter databaseReads;

	private final TracedSteps steps;

	ProductCache(RedisEntries redis, CacheInvalidator invalidator, Optional<NearCache> near, CacheProperties properties,
			MeterRegistry meters, TracedSteps steps) {
		this.redis = redis;
		this.steps = steps;
		this.invalidator = invalidator;
		this.near = near.orElse(null);
		this.leaseWait = properties.leaseWait();
		this.joinerTrustCheck = properties.joinerTrustCheck();
		for (CacheStatus status : CacheStatus.values()) {
			this.requests.put(status, requestCounter(status.name().toLowerCase(), meters));
		}
		this.errors = requestCounter("error", meters);
		this.nearHits = Counter.builder("product.cache.near.hits")
			.description("Product reads served from the in-process near cache")
			.register(meters);
		Counter coalesced = Counter.builder("product.cache.reads.coalesced")
			.description("Product reads that waited for another reader's load of the product instead of loading it")
			.register(meters);
		this.loads = new SingleFlight<>(coalesced::increment);
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
	 * The product's JSON, or {@code null} for "no such product", and how the cache served
	 * it. A hit from Redis completes on Lettuce's event loop, so that it can be answered
	 * from there without waking a thread. A read that the near cache, a pending
	 * invalidation or a skipped Redis answers at once completes on the caller's thread. A
	 * miss is finished on {@code blocking}, since it may wait for the database or for
	 * another reader's load.
	 */
	public CompletableFuture<CachedRead> read(UUID id, Function<UUID, byte[]> database, Executor blocking) {
		CompletableFuture<CacheLookup> looking = lookUp(id);
		if (looking.isDone()) {
			try {
				return CompletableFuture.completedFuture(finish(id, looking.join(), database));
			}
			catch (RuntimeException ex) {
				return CompletableFuture.failedFuture(ex);
			}
		}
		// The rest of a miss runs on another thread, in the request's context (its trace,
		// and so the log lines' trace id), as if on the request's thread.
		ContextSnapshot context = contexts.captureAll();
		return looking
			.thenCompose((lookup) -> lookup.isHit() ? CompletableFuture.completedFuture(finish(id, lookup, database))
					: CompletableFuture.supplyAsync(() -> {
						try (ContextSnapshot.Scope scope = context.setThreadLocals()) {
							return finish(id, lookup, database);
						}
					}, blocking));
	}

	/**
	 * The first look, without blocking: the near cache, an invalidation pending, then
	 * Redis, whose reply completes the future on Lettuce's event loop.
	 */
	private CompletableFuture<CacheLookup> lookUp(UUID id) {
		Observation observation = this.steps.start(TracedSteps.LOOKUP);
		if (this.invalidator.isPending(id)) {
			this.requests.get(CacheStatus.BYPASS).increment();
			return CompletableFuture.completedFuture(looked(observation, CacheLookup.SKIPPED));
		}
		byte[] local = (this.near != null) ? this.near.getIfPresent(id) : null;
		if (local != null) {
			this.nearHits.increment();
			this.requests.get(CacheStatus.HIT).increment();
			observation.lowCardinalityKeyValue("cache.tier", "near");
			return CompletableFuture.completedFuture(looked(observation, CacheLookup.found(local)));
		}
		return this.redis.lookupAsync(id).thenApply((lookup) -> {
			count(lookup);
			return looked(observation, lookup);
		});
	}

	/** Ends the lookup's span, with the result the request counter counts it under. */
	private static CacheLookup looked(Observation observation, CacheLookup lookup) {
		if (!observation.isNoop()) {
			observation.lowCardinalityKeyValue("cache.result", result(lookup)).stop();
		}
		return lookup;
	}

	private static String result(CacheLookup lookup) {
		return switch (lookup.state()) {
			case FOUND, ABSENT -> "hit";
			case EMPTY, FILLING -> "miss";
			case SKIPPED -> "bypass";
			case FAILED -> "error";
		};
	}

	/** Finishes a read from what the first look found. */
	private CachedRead finish(UUID id, CacheLookup lookup, Function<UUID, byte[]> database) {
		return switch (lookup.state()) {
			case FOUND, ABSENT -> new CachedRead(lookup.json(), CacheStatus.HIT);
			case SKIPPED, FAILED -> fromDatabase(id, database);
			case EMPTY, FILLING -> loadOnce(id, database);
		};
	}

	/**
	 * Several products at once, by the same rules as {@link #read}, in a fixed number of
	 * round trips: one {@code MGET}; for the empty keys, their leases in one round trip;
	 * one database query for every product the cache could not answer; the fills in one
	 * round trip. A key that another reader is filling is read from the database rather
	 * than waited for. {@code database} returns the JSON of the products that exist.
	 */
	public Map<UUID, CachedRead> readAll(List<UUID> ids, Function<Collection<UUID>, Map<UUID, byte[]>> database) {
		Map<UUID, CachedRead> reads = new LinkedHashMap<>();
		Set<UUID> bypass = new LinkedHashSet<>();
		List<UUID> toLookUp = new ArrayList<>();
		for (UUID id : ids) {
			byte[] local = (this.near != null) ? this.near.getIfPresent(id) : null;
			if (this.invalidator.isPending(id)) {
				this.requests.get(CacheStatus.BYPASS).increment();
				bypass.add(id);
			}
			else if (local != null) {
				this.nearHits.increment();
				this.requests.get(CacheStatus.HIT).increment();
				reads.put(id, new CachedRead(local, CacheStatus.HIT));
			}
			else {
				toLookUp.add(id);
			}
		}
		List<UUID> empty = new ArrayList<>();
		this.redis.lookupAll(toLookUp).forEach((id, lookup) -> {
			count(lookup);
			switch (lookup.state()) {
				case FOUND, ABSENT -> reads.put(id, new CachedRead(lookup.json(), CacheStatus.HIT));
				case EMPTY -> empty.add(id);
				case FILLING, SKIPPED, FAILED -> bypass.add(id);
			}
		});
		Map<UUID, Lease> leases = this.redis.tryLeases(empty);
		empty.stream().filter((id) -> !leases.containsKey(id)).forEach(bypass::add);
		Set<UUID> toLoad = new LinkedHashSet<>(leases.keySet());
		toLoad.addAll(bypass);
		Map<UUID, byte[]> loaded = toLoad.isEmpty() ? Map.of() : database.apply(toLoad);
		this.databaseReads.increment(toLoad.size());
		this.redis.fillAll(leases, loaded);
		leases.keySet().forEach((id) -> reads.put(id, new CachedRead(loaded.get(id), CacheStatus.MISS)));
		bypass.forEach((id) -> reads.put(id, new CachedRead(loaded.get(id), CacheStatus.BYPASS)));
		return reads;
	}

	private CachedRead loadOnce(UUID id, Function<UUID, byte[]> database) {
		long arrival = this.readOrder.incrementAndGet();
		Flight<Load> flight = this.loads.run(id, () -> load(id, database));
		if (flight.joined() && this.joinerTrustCheck && !flight.value().trustedBy(arrival)) {
			// The load's read may predate this caller and a write it must see. A look of
			// its own, begun now, is as good as a first look: a hit stands. Otherwise
			// such callers share one more load rather than each reading the database
			// (every caller that arrived during a slow last look at the cache would:
			// tens of reads for one cold key). A load that starts after the one this
			// caller joined began after this caller arrived, so it is trusted; the same
			// load, finished but not yet forgotten, is not.
			CacheLookup lookup = this.redis.lookup(id);
			if (lookup.isHit()) {
				return new CachedRead(lookup.json(), CacheStatus.HIT);
			}
			if (lookup.state() == CacheLookup.State.SKIPPED || lookup.state() == CacheLookup.State.FAILED) {
				return fromDatabase(id, database);
			}
			flight = this.loads.run(id, () -> load(id, database));
			if (flight.joined() && !flight.value().trustedBy(arrival)) {
				return fromDatabase(id, database);
			}
		}
		return flight.value().read();
	}

	private Load load(UUID id, Function<UUID, byte[]> database) {
		Observation leasing = this.steps.start(TracedSteps.LEASE);
		Lease lease = this.redis.tryLease(id);
		leasing.lowCardinalityKeyValue("cache.lease", (lease != null) ? "taken" : "held").stop();
		if (lease != null) {
			long readBegan = this.readOrder.incrementAndGet();
			byte[] json = readDatabase(id, database);
			long fillSent = this.readOrder.incrementAndGet();
			Observation filling = this.steps.start(TracedSteps.FILL);
			boolean filled = this.redis.fill(id, lease, json);
			filling.lowCardinalityKeyValue("cache.fill", filled ? "stored" : "refused").stop();
			return new Load(new CachedRead(json, CacheStatus.MISS), filled ? fillSent : readBegan);
		}
		// Another reader, maybe on another instance, holds the lease: wait a little for
		// its fill, so that a cold key costs the database one read across all instances
		// rather than one per instance.
		long deadline = System.nanoTime() + this.leaseWait.toNanos();
		while (true) {
			long readBegan = this.readOrder.incrementAndGet();
			CacheLookup lookup = this.redis.lookup(id);
			if (lookup.isHit()) {
				return new Load(new CachedRead(lookup.json(), CacheStatus.HIT), readBegan);
			}
			if (lookup.state() != CacheLookup.State.FILLING || System.nanoTime() - deadline >= 0) {
				readBegan = this.readOrder.incrementAndGet();
				return new Load(fromDatabase(id, database), readBegan);
			}
			pause(FILL_POLL_INTERVAL);
		}
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

	/**
	 * One load of a product: what it read, and the point in {@link #readOrder} up to
	 * which it is known to be current.
	 * <p>
	 * A joiner may have arrived after a write returned, and must see that write. A read
	 * that began after the joiner arrived reflects the write. A stored fill says more: no
	 * write deleted the key between the lease, taken before the read, and the fill, so
	 * every write that had returned before the fill was sent is in the read. It says
	 * nothing about a write that returned after the fill was sent: that write deleted the
	 * value just stored, and a joiner that arrives after it, while this load is still
	 * registered, must not use the value.
	 *
	 * @param currentUpTo when the read began, or when the fill was sent if it was stored
	 */
	private record Load(CachedRead read, long currentUpTo) {

		/**
		 * Whether a caller that joined this load, having arrived at {@code arrival}, may
		 * use it.
		 */
		boolean trustedBy(long arrival) {
			return arrival < this.currentUpTo;
		}

	}

}
