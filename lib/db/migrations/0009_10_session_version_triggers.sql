-- Issue 10: sessions end when what they were granted on changes. A change of a user's
-- password, e-mail or disabled flag, or of any of their memberships (a role granted,
-- changed or removed), bumps users.session_version; lib/auth/sessions refuses every
-- session minted under an older version on its next request. Done by the database so
-- that every path (admin page, script, SQL console) ends the sessions, not only the
-- code paths someone remembered. Sign-out bumps it from lib/auth/sessions.
CREATE FUNCTION "users_bump_session_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF NEW.password_hash IS DISTINCT FROM OLD.password_hash
     OR NEW.disabled IS DISTINCT FROM OLD.disabled
     OR NEW.email IS DISTINCT FROM OLD.email THEN
    NEW.session_version := OLD.session_version + 1;
  END IF;
  RETURN NEW;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "users_session_version_on_change" BEFORE UPDATE ON "users"
  FOR EACH ROW EXECUTE FUNCTION "users_bump_session_version"();
--> statement-breakpoint
CREATE FUNCTION "memberships_bump_session_version"() RETURNS trigger LANGUAGE plpgsql AS $$
BEGIN
  IF TG_OP = 'DELETE' OR TG_OP = 'UPDATE' THEN
    UPDATE "users" SET "session_version" = "session_version" + 1 WHERE "id" = OLD.user_id;
  END IF;
  IF TG_OP = 'INSERT' OR (TG_OP = 'UPDATE' AND NEW.user_id IS DISTINCT FROM OLD.user_id) THEN
    UPDATE "users" SET "session_version" = "session_version" + 1 WHERE "id" = NEW.user_id;
  END IF;
  RETURN NULL;
END
$$;
--> statement-breakpoint
CREATE TRIGGER "memberships_session_version_on_change" AFTER INSERT OR UPDATE OR DELETE ON "memberships"
  FOR EACH ROW EXECUTE FUNCTION "memberships_bump_session_version"();
