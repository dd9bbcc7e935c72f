-- pgbench script: what zerodraft sends to PostgreSQL for eight
-- POST /api/v1/documents/{id}/proposals by delegates of one delegation that
-- arrive together and share a transaction (store.commitSubmissions): eight
-- token lookups, then BEGIN, the viewer once, the document's lock once,
-- the eight reads, the viewer again, one write of the eight proposals with
-- their events and audit events, and COMMIT. The server sends the
-- transaction in two round trips; pgbench sends one statement at a time.
-- The reads draw eight ids; the write takes eight fresh ones, as pgbench
-- cannot carry them over. Multiply the rate by eight for proposals.
--
--   PGOPTIONS="-c role=zerodraft_app" pgbench -h "$(cat "$DATA/postgres.socketdir")" -U zerodraft -n -M prepared \
--     -c 8 -j 2 -T 20 -D doc=1 -D party=2 -D user=2 -D token=1 -D key=p101 -f propose-group.sql zerodraft
\set start random(0, 40)
SELECT u.id, u.name, u.email, coalesce(p.id, 0), coalesce(p.code, ''), coalesce(p.name, ''),
    coalesce(p.kind, ''), u.role,
    (SELECT max(a.valid_until) FROM accreditations a WHERE a.party_id = p.id AND a.status = 'approved'),
    coalesce((SELECT array_agg(r.document_id) FROM document_roles r WHERE r.user_id = u.id), '{}'),
    t.last_used_at
  FROM users u LEFT JOIN parties p ON p.id = u.party_id JOIN api_tokens t ON t.user_id = u.id
  WHERE t.id = :token AND t.revoked_at IS NULL AND t.expires_at > now() AND u.suspended_at IS NULL;
SELECT u.id, u.name, u.email, coalesce(p.id, 0), coalesce(p.code, ''), coalesce(p.name, ''),
    coalesce(p.kind, ''), u.role,
    (SELECT max(a.valid_until) FROM accreditations a WHERE a.party_id = p.id AND a.status = 'approved'),
    coalesce((SELECT array_agg(r.document_id) FROM document_roles r WHERE r.user_id = u.id), '{}'),
    t.last_used_at
  FROM users u LEFT JOIN parties p ON p.id = u.party_id JOIN api_tokens t ON t.user_id = u.id
  WHERE t.id = :token AND t.revoked_at IS NULL AND t.expires_at > now() AND u.suspended_at IS NULL;
SELECT u.id, u.name, u.email, coalesce(p.id, 0), coalesce(p.code, ''), coalesce(p.name, ''),
    coalesce(p.kind, ''), u.role,
    (SELECT max(a.valid_until) FROM accreditations a WHERE a.party_id = p.id AND a.status = 'approved'),
    coalesce((SELECT array_agg(r.document_id) FROM document_roles r WHERE r.user_id = u.id), '{}'),
    t.last_used_at
  FROM users u LEFT JOIN parties p ON p.id = u.party_id JOIN api_tokens t ON t.user_id = u.id
  WHERE t.id = :token AND t.revoked_at IS NULL AND t.expires_at > now() AND u.suspended_at IS NULL;
SELECT u.id, u.name, u.email, coalesce(p.id, 0), coalesce(p.code, ''), coalesce(p.name, ''),
    coalesce(p.kind, ''), u.role,
    (SELECT max(a.valid_until) FROM accreditations a WHERE a.party_id = p.id AND a.status = 'approved'),
    coalesce((SELECT array_agg(r.document_id) FROM document_roles r WHERE r.user_id = u.id), '{}'),
    t.last_used_at
  FROM users u LEFT JOIN parties p ON p.id = u.party_id JOIN api_tokens t ON t.user_id = u.id
  WHERE t.id = :token AND t.revoked_at IS NULL AND t.expires_at > now() AND u.suspended_at IS NULL;
SELECT u.id, u.name, u.email, coalesce(p.id, 0), coalesce(p.code, ''), coalesce(p.name, ''),
    coalesce(p.kind, ''), u.role,
    (SELECT max(a.valid_until) FROM accreditations a WHERE a.party_id = p.id AND a.status = 'approved'),
    coalesce((SELECT array_agg(r.document_id) FROM document_roles r WHERE r.user_id = u.id), '{}'),
    t.last_used_at
  FROM users u LEFT JOIN parties p ON p.id = u.party_id JOIN api_tokens t ON t.user_id = u.id
  WHERE t.id = :token AND t.revoked_at IS NULL AND t.expires_at > now() AND u.suspended_at IS NULL;
SELECT u.id, u.name, u.email, coalesce(p.id, 0), coalesce(p.code, ''), coalesce(p.name, ''),
    coalesce(p.kind, ''), u.role,
    (SELECT max(a.valid_until) FROM accreditations a WHERE a.party_id = p.id AND a.status = 'approved'),
    coalesce((SELECT array_agg(r.document_id) FROM document_roles r WHERE r.user_id = u.id), '{}'),
    t.last_used_at
  FROM users u LEFT JOIN parties p ON p.id = u.party_id JOIN api_tokens t ON t.user_id = u.id
  WHERE t.id = :token AND t.revoked_at IS NULL AND t.expires_at > now() AND u.suspended_at IS NULL;
SELECT u.id, u.name, u.email, coalesce(p.id, 0), coalesce(p.code, ''), coalesce(p.name, ''),
    coalesce(p.kind, ''), u.role,
    (SELECT max(a.valid_until) FROM accreditations a WHERE a.party_id = p.id AND a.status = 'approved'),
    coalesce((SELECT array_agg(r.document_id) FROM document_roles r WHERE r.user_id = u.id), '{}'),
    t.last_used_at
  FROM users u LEFT JOIN parties p ON p.id = u.party_id JOIN api_tokens t ON t.user_id = u.id
  WHERE t.id = :token AND t.revoked_at IS NULL AND t.expires_at > now() AND u.suspended_at IS NULL;
SELECT u.id, u.name, u.email, coalesce(p.id, 0), coalesce(p.code, ''), coalesce(p.name, ''),
    coalesce(p.kind, ''), u.role,
    (SELECT max(a.valid_until) FROM accreditations a WHERE a.party_id = p.id AND a.status = 'approved'),
    coalesce((SELECT array_agg(r.document_id) FROM document_roles r WHERE r.user_id = u.id), '{}'),
    t.last_used_at
  FROM users u LEFT JOIN parties p ON p.id = u.party_id JOIN api_tokens t ON t.user_id = u.id
  WHERE t.id = :token AND t.revoked_at IS NULL AND t.expires_at > now() AND u.suspended_at IS NULL;
BEGIN;
SELECT set_config('zerodraft.kind', 'state', true), set_config('zerodraft.party', :party::text, true),
    set_config('zerodraft.audiences', 'members,observers,public', true), set_config('zerodraft.now', '', true);
SELECT 1 FROM documents WHERE id = :doc FOR SHARE;
SELECT d.tabling_deadline, v.number, v.label, d.suggestions_open, d.disclosure, ad.adopted_at, ad.public_from,
    pr.number, pr.text,
    EXISTS (SELECT 1 FROM provisions t WHERE t.document_id = d.id AND t.version_number = 1 AND t.key = ''),
    (SELECT nextval('proposals_id_seq')), now()
  FROM documents d
  CROSS JOIN LATERAL (SELECT number, label FROM versions WHERE document_id = d.id ORDER BY number DESC LIMIT 1) v
  LEFT JOIN adoptions ad ON ad.document_id = d.id
  LEFT JOIN provisions pr ON pr.document_id = d.id AND pr.version_number = 1 AND pr.key = :key
  WHERE d.id = :doc;
SELECT d.tabling_deadline, v.number, v.label, d.suggestions_open, d.disclosure, ad.adopted_at, ad.public_from,
    pr.number, pr.text,
    EXISTS (SELECT 1 FROM provisions t WHERE t.document_id = d.id AND t.version_number = 1 AND t.key = ''),
    (SELECT nextval('proposals_id_seq')), now()
  FROM documents d
  CROSS JOIN LATERAL (SELECT number, label FROM versions WHERE document_id = d.id ORDER BY number DESC LIMIT 1) v
  LEFT JOIN adoptions ad ON ad.document_id = d.id
  LEFT JOIN provisions pr ON pr.document_id = d.id AND pr.version_number = 1 AND pr.key = :key
  WHERE d.id = :doc;
SELECT d.tabling_deadline, v.number, v.label, d.suggestions_open, d.disclosure, ad.adopted_at, ad.public_from,
    pr.number, pr.text,
    EXISTS (SELECT 1 FROM provisions t WHERE t.document_id = d.id AND t.version_number = 1 AND t.key = ''),
    (SELECT nextval('proposals_id_seq')), now()
  FROM documents d
  CROSS JOIN LATERAL (SELECT number, label FROM versions WHERE document_id = d.id ORDER BY number DESC LIMIT 1) v
  LEFT JOIN adoptions ad ON ad.document_id = d.id
  LEFT JOIN provisions pr ON pr.document_id = d.id AND pr.version_number = 1 AND pr.key = :key
  WHERE d.id = :doc;
SELECT d.tabling_deadline, v.number, v.label, d.suggestions_open, d.disclosure, ad.adopted_at, ad.public_from,
    pr.number, pr.text,
    EXISTS (SELECT 1 FROM provisions t WHERE t.document_id = d.id AND t.version_number = 1 AND t.key = ''),
    (SELECT nextval('proposals_id_seq')), now()
  FROM documents d
  CROSS JOIN LATERAL (SELECT number, label FROM versions WHERE document_id = d.id ORDER BY number DESC LIMIT 1) v
  LEFT JOIN adoptions ad ON ad.document_id = d.id
  LEFT JOIN provisions pr ON pr.document_id = d.id AND pr.version_number = 1 AND pr.key = :key
  WHERE d.id = :doc;
SELECT d.tabling_deadline, v.number, v.label, d.suggestions_open, d.disclosure, ad.adopted_at, ad.public_from,
    pr.number, pr.text,
    EXISTS (SELECT 1 FROM provisions t WHERE t.document_id = d.id AND t.version_number = 1 AND t.key = ''),
    (SELECT nextval('proposals_id_seq')), now()
  FROM documents d
  CROSS JOIN LATERAL (SELECT number, label FROM versions WHERE document_id = d.id ORDER BY number DESC LIMIT 1) v
  LEFT JOIN adoptions ad ON ad.document_id = d.id
  LEFT JOIN provisions pr ON pr.document_id = d.id AND pr.version_number = 1 AND pr.key = :key
  WHERE d.id = :doc;
SELECT d.tabling_deadline, v.number, v.label, d.suggestions_open, d.disclosure, ad.adopted_at, ad.public_from,
    pr.number, pr.text,
    EXISTS (SELECT 1 FROM provisions t WHERE t.document_id = d.id AND t.version_number = 1 AND t.key = ''),
    (SELECT nextval('proposals_id_seq')), now()
  FROM documents d
  CROSS JOIN LATERAL (SELECT number, label FROM versions WHERE document_id = d.id ORDER BY number DESC LIMIT 1) v
  LEFT JOIN adoptions ad ON ad.document_id = d.id
  LEFT JOIN provisions pr ON pr.document_id = d.id AND pr.version_number = 1 AND pr.key = :key
  WHERE d.id = :doc;
SELECT d.tabling_deadline, v.number, v.label, d.suggestions_open, d.disclosure, ad.adopted_at, ad.public_from,
    pr.number, pr.text,
    EXISTS (SELECT 1 FROM provisions t WHERE t.document_id = d.id AND t.version_number = 1 AND t.key = ''),
    (SELECT nextval('proposals_id_seq')), now()
  FROM documents d
  CROSS JOIN LATERAL (SELECT number, label FROM versions WHERE document_id = d.id ORDER BY number DESC LIMIT 1) v
  LEFT JOIN adoptions ad ON ad.document_id = d.id
  LEFT JOIN provisions pr ON pr.document_id = d.id AND pr.version_number = 1 AND pr.key = :key
  WHERE d.id = :doc;
SELECT d.tabling_deadline, v.number, v.label, d.suggestions_open, d.disclosure, ad.adopted_at, ad.public_from,
    pr.number, pr.text,
    EXISTS (SELECT 1 FROM provisions t WHERE t.document_id = d.id AND t.version_number = 1 AND t.key = ''),
    (SELECT nextval('proposals_id_seq')), now()
  FROM documents d
  CROSS JOIN LATERAL (SELECT number, label FROM versions WHERE document_id = d.id ORDER BY number DESC LIMIT 1) v
  LEFT JOIN adoptions ad ON ad.document_id = d.id
  LEFT JOIN provisions pr ON pr.document_id = d.id AND pr.version_number = 1 AND pr.key = :key
  WHERE d.id = :doc;
SELECT set_config('zerodraft.kind', 'state', true), set_config('zerodraft.party', :party::text, true),
    set_config('zerodraft.audiences', 'members,observers,public', true), set_config('zerodraft.now', '', true);
WITH r AS (
  SELECT * FROM (VALUES (nextval('proposals_id_seq'), :doc::bigint, 1, 'replace', :key::text, :start::int, :start::int + 9, 'the Party', 'each Party', '',
      'zdload: consistency with agreed language.', :party::bigint, :user::bigint, 'tabled', NULL::bigint, :user::bigint, 'FRA delegate',
      '{"document_id": 1, "kind": "replace", "key": "p101", "status": "tabled"}'),
    (nextval('proposals_id_seq'), :doc::bigint, 1, 'replace', :key::text, :start::int, :start::int + 9, 'the Party', 'each Party', '',
      'zdload: consistency with agreed language.', :party::bigint, :user::bigint, 'tabled', NULL::bigint, :user::bigint, 'FRA delegate',
      '{"document_id": 1, "kind": "replace", "key": "p101", "status": "tabled"}'),
    (nextval('proposals_id_seq'), :doc::bigint, 1, 'replace', :key::text, :start::int, :start::int + 9, 'the Party', 'each Party', '',
      'zdload: consistency with agreed language.', :party::bigint, :user::bigint, 'tabled', NULL::bigint, :user::bigint, 'FRA delegate',
      '{"document_id": 1, "kind": "replace", "key": "p101", "status": "tabled"}'),
    (nextval('proposals_id_seq'), :doc::bigint, 1, 'replace', :key::text, :start::int, :start::int + 9, 'the Party', 'each Party', '',
      'zdload: consistency with agreed language.', :party::bigint, :user::bigint, 'tabled', NULL::bigint, :user::bigint, 'FRA delegate',
      '{"document_id": 1, "kind": "replace", "key": "p101", "status": "tabled"}'),
    (nextval('proposals_id_seq'), :doc::bigint, 1, 'replace', :key::text, :start::int, :start::int + 9, 'the Party', 'each Party', '',
      'zdload: consistency with agreed language.', :party::bigint, :user::bigint, 'tabled', NULL::bigint, :user::bigint, 'FRA delegate',
      '{"document_id": 1, "kind": "replace", "key": "p101", "status": "tabled"}'),
    (nextval('proposals_id_seq'), :doc::bigint, 1, 'replace', :key::text, :start::int, :start::int + 9, 'the Party', 'each Party', '',
      'zdload: consistency with agreed language.', :party::bigint, :user::bigint, 'tabled', NULL::bigint, :user::bigint, 'FRA delegate',
      '{"document_id": 1, "kind": "replace", "key": "p101", "status": "tabled"}'),
    (nextval('proposals_id_seq'), :doc::bigint, 1, 'replace', :key::text, :start::int, :start::int + 9, 'the Party', 'each Party', '',
      'zdload: consistency with agreed language.', :party::bigint, :user::bigint, 'tabled', NULL::bigint, :user::bigint, 'FRA delegate',
      '{"document_id": 1, "kind": "replace", "key": "p101", "status": "tabled"}'),
    (nextval('proposals_id_seq'), :doc::bigint, 1, 'replace', :key::text, :start::int, :start::int + 9, 'the Party', 'each Party', '',
      'zdload: consistency with agreed language.', :party::bigint, :user::bigint, 'tabled', NULL::bigint, :user::bigint, 'FRA delegate',
      '{"document_id": 1, "kind": "replace", "key": "p101", "status": "tabled"}')) AS r (id, document_id, base_version, kind, key, start_offset, end_offset, quote, text, target,
      justification, party_id, created_by, status, event_party, actor_id, actor, detail)),
p AS (
  INSERT INTO proposals (id, document_id, base_version, kind, key, start_offset, end_offset, quote, text, target,
      justification, party_id, created_by, status) OVERRIDING SYSTEM VALUE
  SELECT id, document_id, base_version, kind, key, start_offset, end_offset, quote, text, target,
      justification, party_id, created_by, status FROM r),
e AS (
  INSERT INTO document_events (document_id, kind, object_id, party_id)
  SELECT document_id, 'proposal', id, event_party FROM r ORDER BY id)
INSERT INTO audit_events (actor_id, actor, action, object_type, object_id, detail)
  SELECT actor_id, actor, 'proposal.create', 'proposal', id::text, detail::jsonb FROM r ORDER BY id;
COMMIT;
