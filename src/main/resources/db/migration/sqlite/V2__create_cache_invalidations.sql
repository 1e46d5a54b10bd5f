-- The invalidation outbox: one row per committed write whose cache delete Redis has not yet
-- confirmed. Written in the same transaction as the write itself.
CREATE TABLE cache_invalidations (
    id         INTEGER NOT NULL PRIMARY KEY AUTOINCREMENT,
    product_id TEXT    NOT NULL,
    created_at TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP
) STRICT;
