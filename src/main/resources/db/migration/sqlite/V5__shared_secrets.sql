-- Secrets every instance must share, such as the key that signs list cursors: the first
-- instance to need one creates it, the others read it.
CREATE TABLE shared_secrets (
    name   TEXT NOT NULL PRIMARY KEY,
    secret TEXT NOT NULL
) STRICT;
