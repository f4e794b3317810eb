-- Issue 16 ("nothing vanishes"): an upload whose verdict has errors is `rejected`, not `draft`.
-- Uploads stored before this change as drafts with a rejected verdict are what they are: rejected
-- by the checks at upload, never sent for review. (`status` is text without a check constraint;
-- the new value `superseded` needs no DDL.)
UPDATE "submissions"
SET "status" = 'rejected', "decided_at" = COALESCE("decided_at", "created_at"), "version" = "version" + 1
WHERE "status" = 'draft' AND "verdict" = 'rejected';
