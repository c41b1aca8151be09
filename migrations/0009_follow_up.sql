-- 0009: optional follow-up by e-mail (issue 10). A reporter who left an e-mail
-- address may ask to hear when the public status of the report changes. The wish
-- and the language the report was filed in are private data, kept with the contact
-- details (erasing the reporter row ends the subscription).
ALTER TABLE reporters ADD COLUMN follow_up INTEGER NOT NULL DEFAULT 0 CHECK (follow_up IN (0, 1));
ALTER TABLE reporters ADD COLUMN lang TEXT NOT NULL DEFAULT 'sv' CHECK (lang IN ('sv', 'en'));

-- Unsubscribe links: one random token per mail sent, stored only as its SHA-256 hex;
-- any of them ends the subscription (and all its tokens go with it).
CREATE TABLE follow_up_tokens (
    token_hash     TEXT PRIMARY KEY,
    observation_id INTEGER NOT NULL REFERENCES reporters(observation_id) ON DELETE CASCADE,
    created_at     TEXT NOT NULL DEFAULT (strftime('%Y-%m-%dT%H:%M:%SZ', 'now'))
);
CREATE INDEX follow_up_tokens_observation ON follow_up_tokens(observation_id);

-- The outbox carries the follow-up mails too: no unit; case_id is the report's own
-- case (the subscriber's observation), for the "delivered" event.
CREATE TABLE outbox_new (
    id              INTEGER PRIMARY KEY,
    kind            TEXT NOT NULL CHECK (kind IN ('webhook', 'email', 'participant_email',
                                                  'follow_up_email')),
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
    CHECK (kind = 'participant_email' OR
           (kind = 'follow_up_email' AND case_id IS NOT NULL) OR
           (unit_id IS NOT NULL AND case_id IS NOT NULL))
);
INSERT INTO outbox_new (id, kind, unit_id, case_id, walk_id, target, payload, state, attempts,
                        next_attempt_at, last_error, created_at, sent_at)
SELECT id, kind, unit_id, case_id, walk_id, target, payload, state, attempts, next_attempt_at,
       last_error, created_at, sent_at FROM outbox;
DROP TABLE outbox;
ALTER TABLE outbox_new RENAME TO outbox;
CREATE INDEX outbox_due ON outbox(state, next_attempt_at);
