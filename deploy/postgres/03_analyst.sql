-- An analyst login that sees only some customers. Run as the schema owner (vigil) or a superuser:
--
--   psql -h db.example.net -U postgres -d vigil \
--        -v analyst=anna -v analyst_password="$(pwgen 24 1)" -v customers=bank-nord,leasing-west \
--        -f deploy/postgres/03_analyst.sql
--
-- Map a group role instead of a login to give a whole team the same customers:
--   CREATE ROLE soc_team_north NOLOGIN IN ROLE vigil_analyst;  GRANT soc_team_north TO anna, ben;
--   INSERT INTO vigil.analyst_customers (role_name, customer_id) VALUES ('soc_team_north', 'bank-nord');
\set ON_ERROR_STOP on

SELECT format('CREATE ROLE %I LOGIN PASSWORD %L IN ROLE vigil_analyst', :'analyst', :'analyst_password')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'analyst') \gexec

INSERT INTO vigil.analyst_customers (role_name, customer_id)
SELECT :'analyst', trim(c) FROM unnest(string_to_array(:'customers', ',')) AS c
ON CONFLICT DO NOTHING;

SELECT role_name, customer_id, granted_by, granted_at FROM vigil.analyst_customers WHERE role_name = :'analyst';
