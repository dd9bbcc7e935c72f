-- The audit trail names who did what (who proposed, who commented, who
-- broke silence): only the secretariat reads it, and the server's own work.
-- The application checks that before every read; this is the database's
-- own copy of the rule (see 00009), so that a bug in that check still
-- returns no row. Everyone's changes still write their events.

-- +goose Up
ALTER TABLE audit_events ENABLE ROW LEVEL SECURITY;
ALTER TABLE audit_events FORCE ROW LEVEL SECURITY;
CREATE POLICY audit_events_read ON audit_events FOR SELECT USING ((SELECT zd_unrestricted()));
CREATE POLICY audit_events_insert ON audit_events FOR INSERT WITH CHECK (true);

-- +goose Down
DROP POLICY audit_events_insert ON audit_events;
DROP POLICY audit_events_read ON audit_events;
ALTER TABLE audit_events NO FORCE ROW LEVEL SECURITY;
ALTER TABLE audit_events DISABLE ROW LEVEL SECURITY;
