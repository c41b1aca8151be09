-- 0004: what nobody can abuse (issue 9) — photo upload tokens, moderation of what
-- residents type and photograph, "me too" counted per client address, logins that
-- know the addresses a user logged in from, and a per-database secret.

-- Adding a photo needs the upload token that filing the observation answered with.
-- Only the token's SHA-256 is stored; a token is valid until expires_at (Unix seconds).
CREATE TABLE upload_tokens (
    token_hash     TEXT PRIMARY KEY,
    observation_id INTEGER NOT NULL REFERENCES observations(id) ON DELETE CASCADE,
    expires_at     INTEGER NOT NULL
);
CREATE INDEX upload_tokens_observation ON upload_tokens(observation_id, expires_at);

-- Moderation. A hidden observation (public = 0) is in no public answer at all.
-- description_redacted is what the public sees instead of the description ('' = no
-- text); NULL = not redacted. approved_at: when a staff member approved the text
-- (set at filing under post-moderation); until then the public sees no text.
ALTER TABLE observations ADD COLUMN public INTEGER NOT NULL DEFAULT 1 CHECK (public IN (0, 1));
ALTER TABLE observations ADD COLUMN description_redacted TEXT;
ALTER TABLE observations ADD COLUMN approved_at TEXT;
-- A photo is public when it is not hidden, approved, and its observation is public.
ALTER TABLE photos ADD COLUMN public INTEGER NOT NULL DEFAULT 1 CHECK (public IN (0, 1));
ALTER TABLE photos ADD COLUMN approved_at TEXT;
-- Everything filed before this migration was public already.
UPDATE observations SET approved_at = created_at;
UPDATE photos SET approved_at = created_at;
CREATE INDEX observations_public ON observations(public, id);

-- Secrets made once per database (never shown): the key under which client addresses
-- are hashed, so that no address is ever stored in the clear.
CREATE TABLE secrets (
    name  TEXT PRIMARY KEY,
    value TEXT NOT NULL
);
INSERT INTO secrets (name, value) VALUES ('address_key', lower(hex(randomblob(32))));

-- "Me too" remembers the keyed hash of the address it came from: one address adds
-- at most supports_per_address_max to one observation, whatever client ids it invents.
ALTER TABLE supports ADD COLUMN address_key TEXT;
CREATE INDEX supports_address ON supports(observation_id, address_key);

-- Addresses a user has logged in from: the per-user backoff does not slow them down.
CREATE TABLE login_known_addresses (
    user_id    INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    address    TEXT NOT NULL,
    last_ok_at INTEGER NOT NULL,                    -- Unix seconds
    PRIMARY KEY (user_id, address)
);
CREATE INDEX login_attempts_name_address ON login_attempts(username, address, at);

-- The retention job looks for closed cases by when they last changed state.
CREATE INDEX cases_state_updated ON cases(state, updated_at);
