-- The invalidation outbox: one row per committed write whose cache delete Redis has not yet
-- confirmed. Written in the same transaction as the write itself.
CREATE TABLE cache_invalidations (
    id         BIGINT GENERATED ALWAYS AS IDENTITY PRIMARY KEY,
    product_id UUID        NOT NULL,
    created_at TIMESTAMPTZ NOT NULL DEFAULT now()
);
