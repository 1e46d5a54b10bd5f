-- Money is stored as integer cents, the same representation as on SQLite.
CREATE TABLE products (
    id             UUID          NOT NULL PRIMARY KEY,
    name           VARCHAR(200)  NOT NULL,
    description    VARCHAR(2000),
    price_cents    BIGINT        NOT NULL CHECK (price_cents >= 0),
    stock_quantity INTEGER       NOT NULL CHECK (stock_quantity >= 0),
    created_at     TIMESTAMPTZ   NOT NULL DEFAULT now(),
    updated_at     TIMESTAMPTZ   NOT NULL DEFAULT now()
);
