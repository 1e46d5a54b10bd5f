package dev.productapi.cache;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.UUID;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;

import dev.productapi.support.ManualTicker;

import static org.assertj.core.api.Assertions.assertThat;

/** The near cache's bookkeeping, fed by hand with what Redis would send. */
class NearCacheTest {

	private static final Duration TTL = Duration.ofMinutes(10);

	private final ManualTicker ticker = new ManualTicker(0);

	private final NearCache near = new NearCache(100, TTL, this.ticker);

	private final UUID id = UUID.randomUUID();

	private final byte[] json = "{\"name\":\"Lamp\"}".getBytes(StandardCharsets.UTF_8);

	@BeforeEach
	void tracking() {
		this.near.enable();
	}

	@Test
	void keepsWhatARedisReadReturned() {
		readFromRedis(this.id, this.json);

		assertThat(this.near.getIfPresent(this.id)).isEqualTo(this.json);
	}

	@Test
	void anInvalidationThatArrivesDuringTheReadWins() {
		Object placeholder = this.near.reserve(this.id);
		this.near.invalidateKeys(List.of(key(this.id)));
		this.near.complete(this.id, placeholder, this.json);

		assertThat(this.near.getIfPresent(this.id)).isNull();
	}

	@Test
	void invalidationsNameKeysAsBuffersOrStrings() {
		UUID other = UUID.randomUUID();
		readFromRedis(this.id, this.json);
		readFromRedis(other, this.json);

		this.near.invalidateKeys(List.of(ByteBuffer.wrap(key(this.id).getBytes(StandardCharsets.UTF_8))));
		assertThat(this.near.getIfPresent(this.id)).isNull();
		assertThat(this.near.getIfPresent(other)).isEqualTo(this.json);

		this.near.invalidateKeys(List.of(key(other)));
		assertThat(this.near.getIfPresent(other)).isNull();
	}

	@Test
	void keysThatAreNotProductsAreIgnored() {
		readFromRedis(this.id, this.json);

		this.near.invalidateKeys(List.of("session:" + this.id, "product:not-a-uuid", ""));

		assertThat(this.near.getIfPresent(this.id)).isEqualTo(this.json);
	}

	@Test
	void aNullKeyListMeansEverything() {
		readFromRedis(this.id, this.json);

		this.near.invalidateKeys(null);

		assertThat(this.near.getIfPresent(this.id)).isNull();
	}

	@Test
	void leasesAndAbsentMarkersAreNotKept() {
		readFromRedis(this.id, "~lease:1234".getBytes(StandardCharsets.US_ASCII));
		assertThat(this.near.getIfPresent(this.id)).isNull();

		readFromRedis(this.id, "~absent".getBytes(StandardCharsets.US_ASCII));
		assertThat(this.near.getIfPresent(this.id)).isNull();

		readFromRedis(this.id, null);
		assertThat(this.near.getIfPresent(this.id)).isNull();
	}

	@Test
	void losingTrackingForgetsEverythingAndServesNothingUntilItIsBack() {
		readFromRedis(this.id, this.json);

		this.near.disable("connection lost");
		assertThat(this.near.getIfPresent(this.id)).isNull();
		readFromRedis(this.id, this.json);
		assertThat(this.near.getIfPresent(this.id)).as("while tracking is off").isNull();

		this.near.enable();
		assertThat(this.near.getIfPresent(this.id)).as("what was read while tracking was off").isNull();
		readFromRedis(this.id, this.json);
		assertThat(this.near.getIfPresent(this.id)).isEqualTo(this.json);
	}

	@Test
	void entriesExpireWithTheCacheTtl() {
		readFromRedis(this.id, this.json);

		this.ticker.advance(TTL.minusNanos(1));
		assertThat(this.near.getIfPresent(this.id)).isEqualTo(this.json);
		this.ticker.advance(Duration.ofNanos(1));
		assertThat(this.near.getIfPresent(this.id)).isNull();
	}

	private void readFromRedis(UUID product, byte[] value) {
		this.near.complete(product, this.near.reserve(product),
				(value != null) ? Arrays.copyOf(value, value.length) : null);
	}

	private static String key(UUID product) {
		return "product:" + product;
	}

}
