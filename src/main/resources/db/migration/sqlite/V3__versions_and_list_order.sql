-- Rebuilt, because SQLite cannot change a column's default in place:
-- * version: every write adds one; it is the product's ETag, and a client that sends it
--   back in If-Match writes only over what it read;
-- * created_at to the millisecond (CURRENT_TIMESTAMP has whole seconds), since lists are in
--   creation order: within one second they would fall back to the order of the ids.
CREATE TABLE products_v3 (
    id             TEXT    NOT NULL PRIMARY KEY,
    name           TEXT    NOT NULL,
    description    TEXT,
    price_cents    INTEGER NOT NULL CHECK (price_cents >= 0),
    stock_quantity INTEGER NOT NULL CHECK (stock_quantity >= 0),
    created_at     TEXT    NOT NULL DEFAULT (strftime('%Y-%m-%d %H:%M:%f', 'now')),
    updated_at     TEXT    NOT NULL DEFAULT CURRENT_TIMESTAMP,
    version        INTEGER NOT NULL DEFAULT 1
) STRICT;
INSERT INTO products_v3 (id, name, description, price_cents, stock_quantity, created_at, updated_at)
    SELECT id, name, description, price_cents, stock_quantity, created_at, updated_at FROM products;
DROP TABLE products;
ALTER TABLE products_v3 RENAME TO products;

-- Lists page through products in creation order, then by id, with no OFFSET: each page
-- starts right after the last (created_at, id) of the one before.
CREATE INDEX products_created_at_id ON products (created_at, id);
