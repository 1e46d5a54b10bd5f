-- Secrets every instance must share, such as the key that signs list cursors: the first
-- instance to need one creates it, the others read it.
CREATE TABLE shared_secrets (
    name   VARCHAR(100) NOT NULL PRIMARY KEY,
    secret VARCHAR(200) NOT NULL
);
