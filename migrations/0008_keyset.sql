-- 0008: keyset paging (issue 13). The staff queue pages by seeking these indexes
-- from the cursor's key instead of counting past OFFSET rows, in each sort order:
-- priority (then newest first) and due date (cases without one last, then newest
-- first; the expression must match case_store.c's CASE_DUE_KEY). Newest and
-- oldest first use the cases' primary key.

CREATE INDEX cases_priority_keyset ON cases(priority, observation_id DESC);
CREATE INDEX cases_due_keyset ON cases(ifnull(due_at, '~'), observation_id DESC);
