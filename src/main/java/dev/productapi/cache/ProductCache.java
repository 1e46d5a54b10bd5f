package dev.productapi.cache;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.EnumMap;
import java.util.Map;
import java.util.Optional;
import java.util.UUID;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.Supplier;

import io.lettuce.core.RedisNoScriptException;
import io.lettuce.core.ScriptOutputType;
import io.lettuce.core.SetArgs;
import io.lettuce.core.api.async.RedisAsyncCommands;
import io.lettuce.core.codec.Base16;
import io.micrometer.core.instrument.Counter;
import io.micrometer.core.instrument.MeterRegistry;

import org.springframework.stereotype.Component;

import static dev.productapi.cache.CacheConnection.await;

/**
 * Products in Redis under {@code product:{id}}, as the product's JSON.
 * <p>
 * Besides the JSON, a key may briefly hold a {@link Lease} token (a fill in progress) or, for
 * a short TTL, a marker meaning "no such product". Both start with {@code ~}, which JSON
 * never does, so telling them apart costs one byte comparison.
 * <p>
 * Redis is an optimisation, never a dependency: every method absorbs Redis failures and
 * reports them to the circuit breaker, so callers see a result, never an exception.
 */
@Component
public class ProductCache {

	private static final String KEY_PREFIX = "product:";

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

	private final Map<Result, Counter> requests = new EnumMap<>(Result.class);

	private final Counter staleSetsPrevented;

	private final NearCache near;

	private final Counter nearHits;

	ProductCache(CacheConnection redis, CacheProperties properties, MeterRegistry meters, Optional<NearCache> near) {
		this.redis = redis;
		this.fillIfLeasedDigest = Base16.digest(FILL_IF_LEASED.getBytes(StandardCharsets.UTF_8));
		this.properties = properties;
		this.near = near.orElse(null);
		this.nearHits = Counter.builder("product.cache.near.hits")
			.description("Product reads served from the in-process near cache")
			.register(meters);
		this.breaker = new RedisCircuitBreaker(properties.retryInterval());
		for (Result result : Result.values()) {
			this.requests.put(result, Counter.builder("product.cache.requests")
				.description("Product cache lookups by result")
				.tag("result", result.name().toLowerCase())
				.register(meters));
		}
		this.staleSetsPrevented = Counter.builder("product.cache.stale.sets.prevented")
			.description("Fills refused because a write invalidated the key while the value was being loaded")
			.register(meters);
	}

	public static String key(UUID id) {
		return KEY_PREFIX + id;
	}

	public CacheLookup get(UUID id) {
		byte[] local = (this.near != null) ? this.near.getIfPresent(id) : null;
		if (local != null) {
			this.nearHits.increment();
			count(Result.HIT);
			return new CacheLookup(CacheLookup.State.FOUND, local);
		}
		if (!this.breaker.allowsRequest()) {
			countBypass();
			return CacheLookup.BYPASS;
		}
		CacheLookup lookup = lookup(id);
		count(switch (lookup.state()) {
			case FOUND, ABSENT -> Result.HIT;
			case MISS, FILLING -> Result.MISS;
			case BYPASS -> Result.ERROR;
		});
		return lookup;
	}

	private CacheLookup lookup(UUID id) {
		return call(() -> interpret(readRedis(id)), CacheLookup.BYPASS);
	}

	/** Through the near cache's tracking connection when there is one, so Redis tracks the key for it. */
	private byte[] readRedis(UUID id) {
		return (this.near != null && this.near.isTracking()) ? this.near.readThrough(id, key(id))
				: await(this.redis.commands().get(key(id)));
	}

	/** Counts a read that skipped the cache without asking Redis. */
	public void countBypass() {
		count(Result.BYPASS);
	}

	/**
	 * Tries to take the lease to fill an empty key. Returns {@code null} when the key is not
	 * empty (another reader's lease, or a value already there) or Redis is unavailable.
	 */
	public Lease tryLease(UUID id) {
		if (!this.properties.staleSetProtection()) {
			return Lease.create();
		}
		Lease lease = Lease.create();
		SetArgs ifAbsent = SetArgs.Builder.nx().ex(this.properties.leaseTtl());
		String taken = call(() -> await(this.redis.commands().set(key(id), lease.token(), ifAbsent)), null);
		return "OK".equals(taken) ? lease : null;
	}

	/**
	 * Stores what the lease holder read from the database: the JSON, or {@code null} for "no
	 * such product". Returns whether it was stored; {@code false} means a write invalidated
	 * the key since the lease was taken, so the value may be stale and must not be shared.
	 */
	public boolean fill(UUID id, Lease lease, byte[] json) {
		byte[] value = (json != null) ? json : ABSENT_MARKER;
		Duration ttl = (json != null) ? jittered(this.properties.ttl()) : this.properties.negativeTtl();
		if (!this.properties.staleSetProtection()) {
			return call(() -> "OK".equals(await(this.redis.commands().set(key(id), value, SetArgs.Builder.ex(ttl)))),
					false);
		}
		byte[] seconds = String.valueOf(ttl.toSeconds()).getBytes(StandardCharsets.US_ASCII);
		Long stored = call(() -> fillIfLeased(key(id), lease.token(), value, seconds), null);
		if (Long.valueOf(0).equals(stored)) {
			this.staleSetsPrevented.increment();
		}
		return Long.valueOf(1).equals(stored);
	}

	/**
	 * Waits a little for another reader's fill to land, so that a cold key costs the database
	 * one read across all instances rather than one per instance. Returns the lookup that ended
	 * the wait: a hit, or anything else if the fill did not land in time.
	 */
	public CacheLookup awaitFill(UUID id) {
		long deadline = System.nanoTime() + this.properties.leaseWait().toNanos();
		CacheLookup lookup = lookup(id);
		while (lookup.state() == CacheLookup.State.FILLING && System.nanoTime() - deadline < 0) {
			pause(Duration.ofMillis(5));
			lookup = lookup(id);
		}
		return lookup;
	}

	/** Deletes the key, whatever it holds. Returns whether Redis confirmed it. */
	public boolean evict(UUID id) {
		if (this.near != null) {
			this.near.invalidate(id);
		}
		return this.breaker.allowsRequest() && call(() -> await(this.redis.commands().del(key(id))) != null, false);
	}

	/** Whether Redis answered a PING; used for start-up reporting. */
	public boolean ping() {
		return call(() -> "PONG".equals(await(this.redis.commands().ping())), false);
	}

	/** Runs the script by its digest, loading it first if this Redis has not seen it yet. */
	private Long fillIfLeased(String key, byte[]... args) {
		RedisAsyncCommands<String, byte[]> commands = this.redis.commands();
		String[] keys = { key };
		try {
			return await(commands.evalsha(this.fillIfLeasedDigest, ScriptOutputType.INTEGER, keys, args));
		}
		catch (RedisNoScriptException ex) {
			return await(commands.eval(FILL_IF_LEASED, ScriptOutputType.INTEGER, keys, args));
		}
	}

	public boolean isAvailable() {
		return !this.breaker.isOpen();
	}

	private static CacheLookup interpret(byte[] value) {
		if (value == null) {
			return CacheLookup.MISS;
		}
		if (value.length == 0 || value[0] != Lease.MARKER) {
			return new CacheLookup(CacheLookup.State.FOUND, value);
		}
		return Arrays.equals(value, ABSENT_MARKER) ? CacheLookup.ABSENT : CacheLookup.FILLING;
	}

	private Duration jittered(Duration ttl) {
		long maxJitter = ttl.toMillis() * this.properties.ttlJitterPercent() / 100;
		long jitter = (maxJitter > 0) ? ThreadLocalRandom.current().nextLong(maxJitter + 1) : 0;
		// Whole seconds for EX, never below one; shortened, never lengthened, so the TTL stays a bound.
		return Duration.ofSeconds(Math.max(1, (ttl.toMillis() - jitter) / 1000));
	}

	private <T> T call(Supplier<T> command, T fallback) {
		try {
			T result = command.get();
			this.breaker.recordSuccess();
			return result;
		}
		catch (RuntimeException ex) {
			this.breaker.recordFailure(ex);
			return fallback;
		}
	}

	private static void pause(Duration duration) {
		try {
			Thread.sleep(duration);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private void count(Result result) {
		this.requests.get(result).increment();
	}

	/** Metric tag values: an error is a Redis call that failed, a bypass one that was skipped. */
	private enum Result {

		HIT, MISS, BYPASS, ERROR

	}

}
