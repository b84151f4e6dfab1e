-- Vigil on an existing PostgreSQL server: roles, database and schema. Run once, as a superuser:
--
--   psql -h db.example.net -U postgres -v vigil_password="$(cat /etc/vigil/db-password)" -f deploy/postgres/01_roles.sql
--
-- Creates (when missing):
--   vigil_daemon   group role: read and write (row-level security lets it see every row)
--   vigil_analyst  group role: read-only, only the customers mapped in vigil.analyst_customers
--   vigil          the daemon's login, member of vigil_daemon, owner of database and schema `vigil`
-- Then run `vigil migrate` (as the vigil login) and 02_grants.sql.
\set ON_ERROR_STOP on

SELECT 'CREATE ROLE vigil_daemon NOLOGIN'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'vigil_daemon') \gexec

SELECT 'CREATE ROLE vigil_analyst NOLOGIN'
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'vigil_analyst') \gexec

SELECT format('CREATE ROLE vigil LOGIN PASSWORD %L IN ROLE vigil_daemon', :'vigil_password')
WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'vigil') \gexec

SELECT 'CREATE DATABASE vigil OWNER vigil ENCODING ''UTF8'' TEMPLATE template0'
WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'vigil') \gexec

\connect vigil
CREATE SCHEMA IF NOT EXISTS vigil AUTHORIZATION vigil;
REVOKE CREATE ON SCHEMA public FROM PUBLIC;
