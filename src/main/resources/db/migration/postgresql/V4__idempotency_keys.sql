-- Idempotency keys of POST /products. A request claims its key (state in_flight) in a short
-- transaction of its own before it creates anything; the create's transaction completes the
-- claim with what the response needs, so a retry gets the same response back. claim_token
-- names the request that holds the claim: only it may complete or release the claim, so one
-- that lost its claim to a takeover rolls its product back. Times are epoch milliseconds
-- from the instances' clocks, as on SQLite; the index serves the purge of expired keys.
CREATE TABLE idempotency_keys (
    idempotency_key VARCHAR(255) NOT NULL PRIMARY KEY,
    fingerprint     VARCHAR(64)  NOT NULL,
    state           VARCHAR(16)  NOT NULL CHECK (state IN ('in_flight', 'completed')),
    claim_token     UUID         NOT NULL,
    created_at_ms   BIGINT       NOT NULL,
    expires_at_ms   BIGINT       NOT NULL,
    product_id      UUID,
    product_version BIGINT,
    response_body   TEXT,
    CHECK (state = 'in_flight'
        OR (product_id IS NOT NULL AND product_version IS NOT NULL AND response_body IS NOT NULL))
);

CREATE INDEX idempotency_keys_expires_at ON idempotency_keys (expires_at_ms);
