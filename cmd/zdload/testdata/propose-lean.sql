-- pgbench script: a leaner statement sequence for one proposal submission,
-- as suggested in docs/performance.md: token lookup without the
-- last_used_at touch, document access and latest version in one query,
-- the acting party, then a transaction that locks the document, reads the
-- one anchored provision instead of the whole version, and writes the
-- proposal, its live-update event and its audit event in one statement.
-- 8 statements instead of propose-server.sql's 15, and no read of all
-- provisions. Compare the two to see what the change would give the
-- database side.
--
--   pgbench -h "$(cat "$DATA/postgres.socketdir")" -U zerodraft -n -M prepared -c 8 -j 2 -T 20 \
--     -D doc=1 -D party=2 -D user=2 -D token=1 -f propose-lean.sql zerodraft
\set start random(0, 40)
SELECT u.id, u.name, u.email, coalesce(p.id, 0), coalesce(p.code, ''), coalesce(p.name, ''),
    coalesce(p.kind, ''), u.role,
    (SELECT max(a.valid_until) FROM accreditations a WHERE a.party_id = p.id AND a.status = 'approved'),
    coalesce((SELECT array_agg(r.document_id) FROM document_roles r WHERE r.user_id = u.id), '{}'),
    t.last_used_at
  FROM users u LEFT JOIN parties p ON p.id = u.party_id JOIN api_tokens t ON t.user_id = u.id
  WHERE t.id = :token AND t.revoked_at IS NULL AND t.expires_at > now() AND u.suspended_at IS NULL;
SELECT d.suggestions_open, (SELECT max(number) FROM versions v WHERE v.document_id = d.id) FROM documents d WHERE d.id = :doc;
SELECT p.id, p.code, p.name, p.kind FROM parties p
  WHERE upper(p.code) = upper('FRA') AND (p.id = :party OR EXISTS (SELECT 1 FROM group_delegates g WHERE g.group_id = p.id AND g.user_id = :user));
BEGIN;
SELECT d.tabling_deadline, (SELECT max(number) FROM versions v WHERE v.document_id = d.id) FROM documents d WHERE d.id = :doc FOR SHARE OF d;
SELECT text FROM provisions WHERE document_id = :doc AND version_number = 1
  AND key = (SELECT key FROM provisions WHERE document_id = :doc AND version_number = 1 ORDER BY position LIMIT 1 OFFSET 5);
WITH p AS (
  INSERT INTO proposals (document_id, base_version, kind, key, start_offset, end_offset, quote, text, target,
      justification, party_id, created_by, status, credited_to)
    VALUES (:doc, 1, 'replace', 'p12', :start, :start + 9, 'the Party', 'each Party', '',
      'zdload: consistency with agreed language.', :party, :user, 'tabled', NULL)
    RETURNING id, created_at
), e AS (
  INSERT INTO document_events (document_id, kind, object_id, party_id) SELECT :doc, 'proposal', id, NULL FROM p
), a AS (
  INSERT INTO audit_events (actor_id, actor, action, object_type, object_id, detail)
    SELECT :user, 'FRA delegate', 'proposal.create', 'proposal', id::text,
      '{"document_id": 1, "kind": "replace", "key": "p12", "status": "tabled"}' FROM p
)
SELECT id, created_at FROM p;
COMMIT;
