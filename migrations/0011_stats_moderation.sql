-- Statistics leave out what moderation hid (observations.public = 0): a flood of
-- spam that a moderator hides must not stay in the public figures. The memo of a
-- hidden observation is kept (its source cannot be told afterwards), marked as
-- not counted; hiding takes its counts back, showing it again adds them.
ALTER TABLE stats_observations ADD COLUMN counted INTEGER NOT NULL DEFAULT 1
    CHECK (counted IN (0, 1));
-- Recount at the next start so that reports hidden before this migration leave.
UPDATE stats_meta SET value = '1' WHERE key = 'rebuild';
