package dev.productapi.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CompletionException;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import com.github.benmanes.caffeine.cache.Ticker;
import io.lettuce.core.KeyValue;
import io.lettuce.core.RedisException;
import io.lettuce.core.RedisFuture;
import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.codec.Base16;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

import dev.productapi.redis.CacheConnection;

import static dev.productapi.redis.CacheConnection.await;

/**
 * The Redis commands on product keys: look up, take a lease, fill, delete.
 * <p>
 * Besides the JSON, a key may briefly hold a {@link Lease} token (a fill in progress) or,
 * for a short TTL, a marker meaning "no such product". Both start with {@code ~}, which
 * JSON never does, so telling them apart costs one byte comparison.
 * <p>
 * Redis is an optimisation, never a dependency: every method absorbs Redis failures and
 * reports them to the circuit breaker, so callers see a result, never an exception.
 */
@Component
class RedisEntries {

	private static final byte[] ABSENT_MARKER = "~absent".getBytes(StandardCharsets.US_ASCII);

	/** Replaces the lease with the value only if the caller's lease is still there. */
	private static final String FILL_IF_LEASED = """
			if redis.call('GET', KEYS[1]) == ARGV[1] then
			  redis.call('SET', KEYS[1], ARGV[2], 'EX', ARGV[3])
			  return 1
			end
			return 0""";

	private final CacheConnection redis;

	private final String fillIfLeasedDigest;

	private final CacheProperties properties;

	private final RedisCircuitBreaker breaker;

	private final NearCache near;

	private final Counter staleSetsPrevented;

	private final Map<String, Counter> deletes;

	RedisEntries(CacheConnection redis, CacheProperties properties, Optional<NearCache> near, MeterRegistry meters) {
		this.redis = redis;
		this.fillIfLeasedDigest = Base16.digest(FILL_IF_LEASED.getBytes(StandardCharsets.UTF_8));
		this.properties = properties;
		this.breaker = new RedisCircuitBreaker(properties.retryInterval(), Ticker.systemTicker());
		// The breaker's own state, for alerts and dashboards: the request counters show
		// an open breaker only as bypasses, mixed with those of pending invalidations.
		Gauge.builder("product.cache.breaker.open", this.breaker, (breaker) -> breaker.isOpen() ? 1 : 0)
			.description("1 while the Redis circuit breaker is open (reads skip Redis but for one probe a "
					+ "second), else 0; it changes only when requests or invalidations reach the cache")
			.register(meters);
		this.near = near.orElse(null);
		this.staleSetsPrevented = Counter.builder("product.cache.stale.sets.prevented")
			.description("Fills refused because a write invalidated the key while the value was being loaded")
			.register(meters);
		this.deletes = Map.of("confirmed", deleteCounter("confirmed", meters), "replicas_late",
				deleteCounter("replicas_late", meters), "failed", deleteCounter("failed", meters));
	}

	private static Counter deleteCounter(String result, MeterRegistry meters) {
		return Counter.builder("product.cache.deletes")
			.description("Invalidating deletes: confirmed everywhere, applied by the master but not acknowledged "
					+ "by its replicas in time, or failed")
			.tag("result", result)
			.register(meters);
	}

	/**
	 * What the product's key holds; {@code SKIPPED} without asking while Redis is
	 * failing.
	 */
	CacheLookup lookup(UUID id) {
		return lookupAsync(id).join();
	}

	/**
	 * Like {@link #lookup}, without waiting: the future completes on Lettuce's event loop
	 * when Redis answers (at once when Redis is skipped), and never exceptionally. With
	 * the near cache on, its placeholder goes in before the GET is sent, so that an
	 * invalidation that overtakes the reply keeps the reply out of the near cache.
	 */
	CompletableFuture<CacheLookup> lookupAsync(UUID id) {
		if (!this.breaker.allowsRequest()) {
			return CompletableFuture.completedFuture(CacheLookup.SKIPPED);
		}
		Object placeholder = (this.near != null && this.near.isEnabled()) ? this.near.reserve(id) : null;
		RedisFuture<byte[]> reply;
		try {
			reply = this.redis.commands().get(CacheKey.of(id));
		}
		catch (RuntimeException ex) {
			return CompletableFuture.completedFuture(failed(id, placeholder, ex));
		}
		return reply.toCompletableFuture().handle((value, error) -> {
			if (error != null) {
				return failed(id, placeholder, (error instanceof CompletionException) ? error.getCause() : error);
			}
			if (placeholder != null) {
				this.near.complete(id, placeholder, value);
			}
			this.breaker.recordSuccess();
			return interpret(value);
		});
	}

	private CacheLookup failed(UUID id, Object placeholder, Throwable failure) {
		if (placeholder != null) {
			this.near.complete(id, placeholder, null);
		}
		RuntimeException cause = (failure instanceof RuntimeException runtime) ? runtime : new RedisException(failure);
		if (this.breaker.recordFailure(cause)) {
			this.redis.reset();
		}
		return CacheLookup.FAILED;
	}

	/**
	 * What each product's key holds, from one {@code MGET} (which Lettuce splits by slot
	 * on a Cluster); all {@code SKIPPED} while Redis is failing, all {@code FAILED} if
	 * the call fails.
	 */
	Map<UUID, CacheLookup> lookupAll(List<UUID> ids) {
		Map<UUID, CacheLookup> lookups = new LinkedHashMap<>();
		if (ids.isEmpty()) {
			return lookups;
		}
		if (!this.breaker.allowsRequest()) {
			ids.forEach((id) -> lookups.put(id, CacheLookup.SKIPPED));
			return lookups;
		}
		boolean near = this.near != null && this.near.isEnabled();
		List<Object> placeholders = near ? ids.stream().map(this.near::reserve).toList() : null;
		String[] keys = ids.stream().map(CacheKey::of).toArray(String[]::new);
		List<KeyValue<String, byte[]>> values = call(() -> await(this.redis.commands().mget(keys)), null);
		for (int i = 0; i < ids.size(); i++) {
			byte[] value = (values != null) ? values.get(i).getValueOrElse(null) : null;
			if (near) {
				this.near.complete(ids.get(i), placeholders.get(i), value);
			}
			lookups.put(ids.get(i), (values != null) ? interpret(value) : CacheLookup.FAILED);
		}
		return lookups;
	}

	/**
	 * Tries to take the lease on each of these empty keys, all in one round trip. Returns
	 * the leases taken; the others are held by other readers, or Redis failed.
	 */
	Map<UUID, Lease> tryLeases(Collection<UUID> ids) {
		Map<UUID, Lease> leases = new LinkedHashMap<>();
		if (!this.properties.staleSetProtection()) {
			ids.forEach((id) -> leases.put(id, Lease.create()));
			return leases;
		}
		Map<UUID, Lease> wanted = new LinkedHashMap<>();
		Map<UUID, RedisFuture<String>> sent = new LinkedHashMap<>();
		SetArgs ifAbsent = SetArgs.Builder.nx().ex(this.properties.leaseTtl());
		for (UUID id : ids) {
			Lease lease = Lease.create();
			wanted.put(id, lease);
			RedisFuture<String> taking = call(() -> this.redis.commands().set(CacheKey.of(id), lease.token(), ifAbsent),
					null);
			if (taking == null) {
				break;
			}
			sent.put(id, taking);
		}
		sent.forEach((id, taking) -> {
			if ("OK".equals(call(() -> await(taking), null))) {
				leases.put(id, wanted.get(id));
			}
		});
		return leases;
	}

	/**
	 * Fills each leased key with what was read from the database ({@code null} for "no
	 * such product"), all in one round trip, as {@link #fill} does one.
	 */
	void fillAll(Map<UUID, Lease> leases, Map<UUID, byte[]> jsons) {
		Map<UUID, Supplier<Boolean>> replies = new LinkedHashMap<>();
		leases.forEach((id, lease) -> replies.put(id, sendFill(id, lease, jsons.get(id))));
		replies.values().forEach(Supplier::get);
	}

	/**
	 * Tries to take the lease to fill an empty key. Returns {@code null} when the key is
	 * not empty (another reader's lease, or a value already there) or Redis is
	 * unavailable.
	 */
	Lease tryLease(UUID id) {
		Lease lease = Lease.create();
		if (!this.properties.staleSetProtection()) {
			return lease;
		}
		SetArgs ifAbsent = SetArgs.Builder.nx().ex(this.properties.leaseTtl());
		String taken = call(() -> await(this.redis.commands().set(CacheKey.of(id), lease.token(), ifAbsent)), null);
		return "OK".equals(taken) ? lease : null;
	}

	/**
	 * Stores what the lease holder read from the database: the JSON, or {@code null} for
	 * "no such product". Returns whether it was stored; {@code false} means a write
	 * invalidated the key since the lease was taken, so the value may be stale.
	 */
	boolean fill(UUID id, Lease lease, byte[] json) {
		return sendFill(id, lease, json).get();
	}

	/**
	 * Sends a fill and returns its reply, to be awaited: sending several before awaiting
	 * any puts them in one round trip.
	 */
	private Supplier<Boolean> sendFill(UUID id, Lease lease, byte[] json) {
		String key = CacheKey.of(id);
		byte[] value = (json != null) ? json : ABSENT_MARKER;
		Duration ttl = (json != null) ? jittered(this.properties.ttl()) : this.properties.negativeTtl();
		if (!this.properties.staleSetProtection()) {
			RedisFuture<String> set = call(() -> this.redis.commands().set(key, value, SetArgs.Builder.ex(ttl)), null);
			return () -> set != null && "OK".equals(call(() -> await(set), null));
		}
		byte[][] args = { lease.token(), value, String.valueOf(ttl.toSeconds()).getBytes(StandardCharsets.US_ASCII) };
		String[] keys = { key };
		RedisFuture<Long> sent = call(
				() -> this.redis.commands().evalsha(this.fillIfLeasedDigest, ScriptOutputType.INTEGER, keys, args),
				null);
		return () -> {
			Long stored = (sent != null) ? call(() -> awaitScript(sent, keys, args), null) : null;
			if (Long.valueOf(0).equals(stored)) {
				this.staleSetsPrevented.increment();
			}
			return Long.valueOf(1).equals(stored);
		};
	}

	/**
	 * The script's reply; if this Redis has not seen the script yet, sends it in full.
	 */
	private Long awaitScript(RedisFuture<Long> sent, String[] keys, byte[][] args) {
		try {
			return await(sent);
		}
		catch (RedisNoScriptException ex) {
			return await(this.redis.commands().eval(FILL_IF_LEASED, ScriptOutputType.INTEGER, keys, args));
		}
	}

	/**
	 * Deletes the key, whatever it holds. Returns whether Redis confirmed it, on the
	 * master and on its replicas.
	 * <p>
	 * Unlike a lookup, a delete is sent even while the circuit breaker is open. Each
	 * instance's breaker lets its next request through on its own schedule, so after an
	 * outage another instance may already read from Redis (the new master) while this one
	 * would still skip its deletes: that instance would serve the entries this one's
	 * writes left behind until its outbox task saw them. A delete may cost a write a
	 * timeout while Redis is frozen; writes are few next to reads.
	 */
	boolean delete(UUID id) {
		if (this.near != null) {
			this.near.invalidate(id);
		}
		Boolean deleted = call(() -> this.redis.deleteEverywhere(CacheKey.of(id)), null);
		if (this.near != null) {
			// A GET of this instance's that Redis ran before the DEL may have put the old
			// value in memory since, and Redis's push that removes it may arrive after
			// this write has returned.
			this.near.invalidate(id);
		}
		this.deletes.get((deleted == null) ? "failed" : deleted ? "confirmed" : "replicas_late").increment();
		return Boolean.TRUE.equals(deleted);
	}

	/** Whether Redis answered a PING; used for start-up reporting. */
	boolean ping() {
		return call(() -> "PONG".equals(await(this.redis.commands().ping())), false);
	}

	boolean isAvailable() {
		return !this.breaker.isOpen();
	}

	private static CacheLookup interpret(byte[] value) {
		if (value == null) {
			return CacheLookup.EMPTY;
		}
		if (value.length == 0 || value[0] != Lease.MARKER) {
			return CacheLookup.found(value);
		}
		return Arrays.equals(value, ABSENT_MARKER) ? CacheLookup.ABSENT : CacheLookup.FILLING;
	}

	private Duration jittered(Duration ttl) {
		long maxJitter = ttl.toMillis() * this.properties.ttlJitterPercent() / 100;
		long jitter = (maxJitter > 0) ? ThreadLocalRandom.current().nextLong(maxJitter + 1) : 0;
		// Whole seconds for EX, never below one; shortened, never lengthened, so the TTL
		// stays a bound.
		return Duration.ofSeconds(Math.max(1, (ttl.toMillis() - jitter) / 1000));
	}

	private <T> T call(Supplier<T> command, T fallback) {
		try {
			T result = command.get();
			this.breaker.recordSuccess();
			return result;
		}
		catch (RuntimeException ex) {
			if (this.breaker.recordFailure(ex)) {
				this.redis.reset();
			}
			return fallback;
		}
	}

}
