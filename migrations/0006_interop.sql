-- 0006: other systems (issue 12): API keys for Open311 clients, and the link to a
-- photo that an Open311 client sends as media_url (stored as a link, never fetched).

CREATE TABLE api_keys (
    id           INTEGER PRIMARY KEY,
    name         TEXT NOT NULL,
    key_hash     TEXT NOT NULL UNIQUE,          -- SHA-256 hex; the key itself is shown once
    created_at   TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    last_used_at TEXT,
    revoked_at   TEXT
);

ALTER TABLE observations ADD COLUMN media_url TEXT;
