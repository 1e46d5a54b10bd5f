-- Every write adds one to a product's version; it is the product's ETag, and a client that
-- sends it back in If-Match writes only over what it read.
ALTER TABLE products ADD COLUMN version BIGINT NOT NULL DEFAULT 1;

-- Lists page through products in creation order, then by id, with no OFFSET: each page
-- starts right after the last (created_at, id) of the one before.
CREATE INDEX products_created_at_id ON products (created_at, id);

-- Name search (q) is a case-insensitive substring match, lower(name) LIKE '%...%', which a
-- trigram index serves. pg_trgm is a trusted extension: the database's owner may create it.
CREATE EXTENSION IF NOT EXISTS pg_trgm;
CREATE INDEX products_name_trgm ON products USING gin (lower(name) gin_trgm_ops);
