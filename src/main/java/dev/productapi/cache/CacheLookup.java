package dev.productapi.cache;

/**
 * What one look at a product's key found: the product's JSON, a cached "no such product",
 * another reader's lease (a fill in progress), nothing, or no answer, because Redis was
 * skipped while the circuit breaker is open or because the call failed.
 */
record CacheLookup(State state, byte[] json) {

	enum State {

		FOUND, ABSENT, FILLING, EMPTY, SKIPPED, FAILED

	}

	static final CacheLookup ABSENT = new CacheLookup(State.ABSENT, null);

	static final CacheLookup FILLING = new CacheLookup(State.FILLING, null);

	static final CacheLookup EMPTY = new CacheLookup(State.EMPTY, null);

	static final CacheLookup SKIPPED = new CacheLookup(State.SKIPPED, null);

	static final CacheLookup FAILED = new CacheLookup(State.FAILED, null);

	static CacheLookup found(byte[] json) {
		return new CacheLookup(State.FOUND, json);
	}

	/** Whether the key held an answer: the product, or that there is none. */
	boolean isHit() {
		return this.state == State.FOUND || this.state == State.ABSENT;
	}

}
