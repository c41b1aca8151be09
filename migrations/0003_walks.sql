-- 0003: safety walks from plan to protocol and follow-up (issue 8).
-- A walk is planned (area, time, meeting point, route, partners, groups, planned stops),
-- walked (participants join with the code, file observations and perception audits),
-- and ends in a protocol: one item per observation with the proposed action, the
-- responsible party, priority, deadline, and that party's answer.

ALTER TABLE walks ADD COLUMN ends_at TEXT;
ALTER TABLE walks ADD COLUMN meeting_text TEXT;
ALTER TABLE walks ADD COLUMN expected_participants INTEGER;
ALTER TABLE walks ADD COLUMN public INTEGER NOT NULL DEFAULT 1;
ALTER TABLE walks ADD COLUMN state TEXT NOT NULL DEFAULT 'planned';
ALTER TABLE walks ADD COLUMN organiser_user_id INTEGER REFERENCES users(id);
ALTER TABLE walks ADD COLUMN follow_up_of INTEGER REFERENCES walks(id);
ALTER TABLE walks ADD COLUMN meeting_held_on TEXT;          -- the follow-up meeting (YYYY-MM-DD)
ALTER TABLE walks ADD COLUMN protocol_published_at TEXT;
ALTER TABLE walks ADD COLUMN lang TEXT NOT NULL DEFAULT 'sv';
ALTER TABLE walks ADD COLUMN updated_at TEXT;
SELECT AddGeometryColumn('walks', 'meeting_point', 4326, 'POINT', 'XY');
SELECT AddGeometryColumn('walks', 'route', 4326, 'LINESTRING', 'XY');
CREATE INDEX walks_starts ON walks(starts_at);
CREATE INDEX walks_organiser ON walks(organiser_user_id);
-- Join codes are compared upper-case; existing codes are kept as they are.
UPDATE walks SET code = upper(code);

-- Who takes part on behalf of an organisation: a unit, or a free name (police, a school).
CREATE TABLE walk_partners (
    walk_id  INTEGER NOT NULL REFERENCES walks(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    unit_id  INTEGER REFERENCES units(id),
    name     TEXT NOT NULL,
    PRIMARY KEY (walk_id, position)
);

-- Walks of more than about ten people split into groups, each with its part of the route.
CREATE TABLE walk_groups (
    id       INTEGER PRIMARY KEY,
    walk_id  INTEGER NOT NULL REFERENCES walks(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    name     TEXT NOT NULL
);
SELECT AddGeometryColumn('walk_groups', 'route', 4326, 'LINESTRING', 'XY');
CREATE INDEX walk_groups_walk ON walk_groups(walk_id, position);

-- Places raised at the meeting before the walk: planned stops on the route.
CREATE TABLE walk_stops (
    id       INTEGER PRIMARY KEY,
    walk_id  INTEGER NOT NULL REFERENCES walks(id) ON DELETE CASCADE,
    position INTEGER NOT NULL,
    group_id INTEGER REFERENCES walk_groups(id) ON DELETE SET NULL,
    lon      REAL NOT NULL,
    lat      REAL NOT NULL,
    note     TEXT
);
CREATE INDEX walk_stops_walk ON walk_stops(walk_id, position);

-- A phone that joined (an anonymous id, no personal data) and, only if the resident
-- chose to leave one, an e-mail address to hear what the walk led to. Never public.
CREATE TABLE walk_participants (
    walk_id        INTEGER NOT NULL REFERENCES walks(id) ON DELETE CASCADE,
    participant_id TEXT NOT NULL,
    group_id       INTEGER REFERENCES walk_groups(id) ON DELETE SET NULL,
    email          TEXT,
    joined_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    PRIMARY KEY (walk_id, participant_id)
);

-- Perception audits (the women's safety audit method): nine parameters, 0-3 each.
CREATE TABLE walk_audits (
    id               INTEGER PRIMARY KEY,
    walk_id          INTEGER NOT NULL REFERENCES walks(id),
    client_id        TEXT NOT NULL UNIQUE,
    group_id         INTEGER REFERENCES walk_groups(id) ON DELETE SET NULL,
    lon              REAL NOT NULL,
    lat              REAL NOT NULL,
    e                REAL NOT NULL,
    n                REAL NOT NULL,
    observed_at      TEXT NOT NULL,
    created_at       TEXT NOT NULL,
    lighting         INTEGER NOT NULL CHECK (lighting BETWEEN 0 AND 3),
    openness         INTEGER NOT NULL CHECK (openness BETWEEN 0 AND 3),
    visibility       INTEGER NOT NULL CHECK (visibility BETWEEN 0 AND 3),
    people           INTEGER NOT NULL CHECK (people BETWEEN 0 AND 3),
    security         INTEGER NOT NULL CHECK (security BETWEEN 0 AND 3),
    walk_path        INTEGER NOT NULL CHECK (walk_path BETWEEN 0 AND 3),
    public_transport INTEGER NOT NULL CHECK (public_transport BETWEEN 0 AND 3),
    gender_usage     INTEGER NOT NULL CHECK (gender_usage BETWEEN 0 AND 3),
    feeling          INTEGER NOT NULL CHECK (feeling BETWEEN 0 AND 3)
);
CREATE INDEX walk_audits_walk ON walk_audits(walk_id, id);

-- The protocol: one item per observation of a walk, numbered in filing order.
CREATE TABLE walk_items (
    observation_id      INTEGER PRIMARY KEY REFERENCES observations(id),
    walk_id             INTEGER NOT NULL REFERENCES walks(id),
    number              INTEGER NOT NULL,
    group_id            INTEGER REFERENCES walk_groups(id) ON DELETE SET NULL,
    action              TEXT,
    responsible_unit_id INTEGER REFERENCES units(id),
    responsible_name    TEXT,
    priority            INTEGER CHECK (priority BETWEEN 1 AND 3),
    deadline            TEXT,
    answer              TEXT CHECK (answer IN ('will_do', 'done', 'wont_do', 'not_ours')),
    answer_by           TEXT,
    answer_reason       TEXT,
    answer_passed_to    TEXT,
    answer_comment      TEXT,
    answer_at           TEXT,
    answer_actor        TEXT,
    updated_at          TEXT,
    UNIQUE (walk_id, number)
);
CREATE INDEX walk_items_walk ON walk_items(walk_id, observation_id);
CREATE INDEX walk_items_responsible ON walk_items(responsible_unit_id);
INSERT INTO walk_items (observation_id, walk_id, number)
SELECT id, walk_id, row_number() OVER (PARTITION BY walk_id ORDER BY id)
FROM observations WHERE walk_id IS NOT NULL;

-- The outbox also carries e-mails to walk participants: no unit, no case.
CREATE TABLE outbox_new (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('webhook', 'email', 'participant_email')),
    unit_id         INTEGER REFERENCES units(id),
    case_id         INTEGER,
    walk_id         INTEGER REFERENCES walks(id),
    target          TEXT NOT NULL,
    payload         TEXT NOT NULL,
    state           TEXT NOT NULL DEFAULT 'pending' CHECK (state IN ('pending', 'sent', 'dead')),
    attempts        INTEGER NOT NULL DEFAULT 0,
    next_attempt_at INTEGER NOT NULL,
    last_error      TEXT,
    created_at      TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now')),
    sent_at         TEXT,
    CHECK (kind = 'participant_email' OR (unit_id IS NOT NULL AND case_id IS NOT NULL))
);
INSERT INTO outbox_new (id, kind, unit_id, case_id, target, payload, state, attempts,
                        next_attempt_at, last_error, created_at, sent_at)
SELECT id, kind, unit_id, case_id, target, payload, state, attempts, next_attempt_at,
       last_error, created_at, sent_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
