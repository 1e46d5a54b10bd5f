-- Idempotency keys of POST /products. A request claims its key (state in_flight) in a short
-- transaction of its own before it creates anything; the create's transaction completes the
-- claim with what the response needs, so a retry gets the same response back. claim_token
-- names the request that holds the claim: only it may complete or release the claim, so one
-- that lost its claim to a takeover rolls its product back. Times are epoch milliseconds
-- from the instances' clocks; the index serves the purge of expired keys.
CREATE TABLE idempotency_keys (
    idempotency_key TEXT    NOT NULL PRIMARY KEY,
    fingerprint     TEXT    NOT NULL,
    state           TEXT    NOT NULL CHECK (state IN ('in_flight', 'completed')),
    claim_token     TEXT    NOT NULL,
    created_at_ms   INTEGER NOT NULL,
    expires_at_ms   INTEGER NOT NULL,
    product_id      TEXT,
    product_version INTEGER,
    response_body   TEXT,
    CHECK (state = 'in_flight'
        OR (product_id IS NOT NULL AND product_version IS NOT NULL AND response_body IS NOT NULL))
) STRICT;

CREATE INDEX idempotency_keys_expires_at ON idempotency_keys (expires_at_ms);
