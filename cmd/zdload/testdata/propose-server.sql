-- pgbench script: every statement zerodraft sends to PostgreSQL for one
-- POST /api/v1/documents/{id}/proposals, in order and with the same
-- transaction boundaries (the reads before BEGIN are single statements):
-- token lookup and its last_used_at touch, authorisation and the document
-- twice over, the acting party, then CreateProposal's transaction, which
-- reads the whole base version (all of its provisions) to check the anchor.
-- It measures the database's share of a submission, without HTTP and Go.
-- The token is looked up by id instead of by hash (pgbench cannot quote a
-- bytea variable); both are unique-index lookups.
--
--   pgbench -h "$(cat "$DATA/postgres.socketdir")" -U zerodraft -n -M prepared -c 8 -j 2 -T 20 \
--     -D doc=1 -D party=2 -D user=2 -D token=1 -f propose-server.sql zerodraft
\set start random(0, 40)
SELECT u.id, u.name, u.email, coalesce(p.id, 0), coalesce(p.code, ''), coalesce(p.name, ''),
    coalesce(p.kind, ''), u.role,
    (SELECT max(a.valid_until) FROM accreditations a WHERE a.party_id = p.id AND a.status = 'approved'),
    coalesce((SELECT array_agg(r.document_id) FROM document_roles r WHERE r.user_id = u.id), '{}')
  FROM users u LEFT JOIN parties p ON p.id = u.party_id JOIN api_tokens t ON t.user_id = u.id
  WHERE t.id = :token AND t.revoked_at IS NULL AND t.expires_at > now() AND u.suspended_at IS NULL;
UPDATE api_tokens SET last_used_at = now() WHERE id = :token AND (last_used_at IS NULL OR last_used_at < now() - interval '1 minute');
SELECT suggestions_open FROM documents WHERE id = :doc;
SELECT d.id, d.symbol, d.title, d.language, coalesce(p.name, ''), d.created_at, d.tabling_deadline, d.suggestions_open,
    coalesce((SELECT json_agg(json_build_object('number', v.number, 'label', v.label,
      'created_by', v.created_by, 'created_at', v.created_at) ORDER BY v.number)
      FROM versions v WHERE v.document_id = d.id), '[]')
  FROM documents d LEFT JOIN processes p ON p.id = d.process_id WHERE d.id = :doc;
SELECT suggestions_open FROM documents WHERE id = :doc;
SELECT p.id, p.code, p.name, p.kind FROM parties p
  WHERE upper(p.code) = upper('FRA') AND (p.id = :party OR EXISTS (SELECT 1 FROM group_delegates g WHERE g.group_id = p.id AND g.user_id = :user));
BEGIN;
SELECT tabling_deadline FROM documents WHERE id = :doc FOR SHARE;
SELECT coalesce(max(number), 0) FROM versions WHERE document_id = :doc;
SELECT label, created_by, created_at, warnings FROM versions WHERE document_id = :doc AND number = 1;
SELECT key, number, kind, label, text FROM provisions WHERE document_id = :doc AND version_number = 1 ORDER BY position;
INSERT INTO proposals (document_id, base_version, kind, key, start_offset, end_offset, quote, text, target,
    justification, party_id, created_by, status, credited_to)
  VALUES (:doc, 1, 'replace', 'p12', :start, :start + 9, 'the Party', 'each Party', '',
    'zdload: consistency with agreed language.', :party, :user, 'tabled', NULL)
  RETURNING id \gset
INSERT INTO document_events (document_id, kind, object_id, party_id) VALUES (:doc, 'proposal', :id, NULL);
INSERT INTO audit_events (actor_id, actor, action, object_type, object_id, detail)
  VALUES (:user, 'FRA delegate', 'proposal.create', 'proposal', :id,
    '{"document_id": 1, "kind": "replace", "key": "p12", "status": "tabled"}');
COMMIT;
