-- pgbench script: the rows one proposal submission writes, in one
-- transaction (store.CreateProposal): the proposal and its audit event,
-- and with events=1 also its live-update row in document_events, as the
-- server does. Without the reads CreateProposal also makes (the document
-- row FOR SHARE, its access facts, the latest version and the anchored
-- provision) and without the server's token lookup: see propose-server.sql
-- and, for submissions that arrive together, propose-group.sql.
--
-- Needs document 1 with version 1, party :party and user :user (ids), e.g.
-- the FRA delegate made with "zerodraft admin party add / user add":
--
--   pgbench -h "$(cat "$DATA/postgres.socketdir")" -U zerodraft -n -c 8 -j 2 -T 20 \
--     -D party=2 -D user=2 -D events=1 -f propose.sql zerodraft
\set start random(0, 40)
BEGIN;
INSERT INTO proposals (document_id, base_version, kind, key, start_offset, end_offset, quote, text, target,
    justification, party_id, created_by, status, credited_to)
  VALUES (1, 1, 'replace', 'p12', :start, :start + 9, 'the Party', 'each Party', '',
    'zdload: consistency with agreed language.', :party, :user, 'tabled', NULL)
  RETURNING id \gset
\if :events
INSERT INTO document_events (document_id, kind, object_id, party_id) VALUES (1, 'proposal', :id, NULL);
\endif
INSERT INTO audit_events (actor_id, actor, action, object_type, object_id, detail)
  VALUES (:user, 'FRA delegate', 'proposal.create', 'proposal', :id,
    '{"document_id": 1, "kind": "replace", "key": "p12", "status": "tabled"}');
COMMIT;
