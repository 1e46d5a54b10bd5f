package dev.productapi.cache;

/**
 * What Redis holds for a product: its JSON, a cached "not found", another reader's lease (a
 * fill in progress), nothing, or no answer at all.
 */
public record CacheLookup(State state, byte[] json) {

	public enum State {

		/** The product's JSON. */
		FOUND,

		/** A cached "no such product". */
		ABSENT,

		/** Another reader holds the lease and is filling the key. */
		FILLING,

		/** Nothing cached. */
		MISS,

		/** Redis was skipped or failed. */
		BYPASS

	}

	static final CacheLookup ABSENT = new CacheLookup(State.ABSENT, null);

	static final CacheLookup FILLING = new CacheLookup(State.FILLING, null);

	static final CacheLookup MISS = new CacheLookup(State.MISS, null);

	static final CacheLookup BYPASS = new CacheLookup(State.BYPASS, null);

	public boolean isHit() {
		return this.state == State.FOUND || this.state == State.ABSENT;
	}

}
