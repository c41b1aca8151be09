-- 0002: the Technical committee's workflow — staff accounts, routing rules,
-- cases with their history, and the durable outbox to the units' own systems.

ALTER TABLE units ADD COLUMN webhook_secret TEXT;   -- HMAC key for webhook signatures; never returned
ALTER TABLE units ADD COLUMN api_token_hash TEXT;   -- SHA-256 of the unit's inbound token; never returned

CREATE TABLE users (
    id            INTEGER PRIMARY KEY,
    username      TEXT NOT NULL UNIQUE,
    display_name  TEXT,
    password_hash TEXT NOT NULL,                    -- argon2id encoded string
    role          TEXT NOT NULL CHECK (role IN ('admin', 'triage', 'unit', 'organiser')),
    unit_id       INTEGER REFERENCES units(id),
    active        INTEGER NOT NULL DEFAULT 1 CHECK (active IN (0, 1)),
    created_at    TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    CHECK (role != 'unit' OR unit_id IS NOT NULL)
);

CREATE TABLE sessions (
    id           INTEGER PRIMARY KEY,
    token_hash   TEXT NOT NULL UNIQUE,              -- SHA-256 hex of the cookie value; the token itself is never stored
    user_id      INTEGER NOT NULL REFERENCES users(id) ON DELETE CASCADE,
    csrf         TEXT NOT NULL,
    created_at   INTEGER NOT NULL,                  -- Unix seconds
    last_seen_at INTEGER NOT NULL
);

CREATE TABLE login_attempts (
    id       INTEGER PRIMARY KEY,
    username TEXT NOT NULL,
    address  TEXT NOT NULL,
    at       INTEGER NOT NULL,
    ok       INTEGER NOT NULL
);
CREATE INDEX login_attempts_username ON login_attempts(username, at);
CREATE INDEX login_attempts_address ON login_attempts(address, at);

-- Routing: category x (drawn polygon | area | whole municipality) -> unit, with a default priority.
CREATE TABLE routing_rules (
    id         INTEGER PRIMARY KEY,
    category   TEXT NOT NULL REFERENCES categories(code),
    area_id    INTEGER REFERENCES areas(id),
    unit_id    INTEGER NOT NULL REFERENCES units(id),
    priority   INTEGER NOT NULL DEFAULT 2 CHECK (priority BETWEEN 1 AND 3),
    rule_order INTEGER NOT NULL DEFAULT 100,
    active     INTEGER NOT NULL DEFAULT 1,
    note       TEXT,
    created_at TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
SELECT AddGeometryColumn('routing_rules', 'polygon', 4326, 'MULTIPOLYGON', 'XY');
SELECT CreateSpatialIndex('routing_rules', 'polygon');

-- A case is the workflow side of an observation; its id is the observation's.
CREATE TABLE cases (
    observation_id INTEGER PRIMARY KEY REFERENCES observations(id) ON DELETE CASCADE,
    state          TEXT NOT NULL DEFAULT 'new' CHECK (state IN
                     ('new', 'acknowledged', 'assigned', 'in_progress', 'resolved', 'rejected', 'duplicate')),
    priority       INTEGER NOT NULL DEFAULT 2 CHECK (priority BETWEEN 1 AND 3),
    due_at         TEXT,
    unit_id        INTEGER REFERENCES units(id),
    rule_id        INTEGER REFERENCES routing_rules(id) ON DELETE SET NULL,
    duplicate_of   INTEGER REFERENCES cases(observation_id),
    reject_reason  TEXT,
    external_ref   TEXT,
    created_at     TEXT NOT NULL,
    updated_at     TEXT NOT NULL
);
CREATE INDEX cases_state ON cases(state);
CREATE INDEX cases_unit ON cases(unit_id, state);
CREATE INDEX cases_due ON cases(due_at);
CREATE INDEX cases_duplicate_of ON cases(duplicate_of);

-- Every change to a case: who, when, what (from -> to), comment, public or internal.
CREATE TABLE case_events (
    id            INTEGER PRIMARY KEY,
    case_id       INTEGER NOT NULL REFERENCES cases(observation_id) ON DELETE CASCADE,
    at            TEXT NOT NULL,
    actor_user_id INTEGER REFERENCES users(id),
    actor_label   TEXT NOT NULL,                    -- user name, 'system' or 'unit:<code>'
    kind          TEXT NOT NULL,                    -- created routed state priority assigned comment merged external_update
    from_value    TEXT,
    to_value      TEXT,
    comment       TEXT,
    public        INTEGER NOT NULL DEFAULT 0
);
CREATE INDEX case_events_case ON case_events(case_id, id);

-- Durable outbox: notifications to units survive restarts and are retried with backoff.
CREATE TABLE outbox (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('webhook', 'email')),
    unit_id         INTEGER NOT NULL REFERENCES units(id),
    case_id         INTEGER NOT NULL,
    target          TEXT NOT NULL,                  -- URL or e-mail address
    payload         TEXT NOT NULL,                  -- JSON; never contact details
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,               -- Unix milliseconds
    last_error      TEXT,
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    sent_at         TEXT
);
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);

-- Observations filed before this migration become unrouted new cases.
INSERT INTO cases (observation_id, state, priority, created_at, updated_at)
    SELECT id, status, 2, created_at, created_at FROM observations;
INSERT INTO case_events (case_id, at, actor_label, kind, to_value)
    SELECT id, created_at, 'system', 'created', status FROM observations;
