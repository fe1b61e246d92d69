-- Roles and databases of the platform, applied by the
-- `postgres-init` one-shot (as the bootstrap superuser) after every start, in
-- both ways to run the stack.
-- Idempotent: creates what is missing, resets passwords to the configured ones.
-- Passwords come from the environment (psql \getenv), never from this file;
-- the admin's as PG_ADMIN_PASSWORD (psql's own PGPASSWORD may be the superuser's).
\set ON_ERROR_STOP on
\getenv admin_user PGUSER
\getenv admin_password PG_ADMIN_PASSWORD
\getenv database PGDATABASE
\getenv debezium_password PG_DEBEZIUM_PASSWORD
\getenv apicurio_password PG_APICURIO_PASSWORD
\getenv reader_user PG_READER_USER
\getenv reader_password PG_READER_PASSWORD
\getenv writer_user PG_WRITER_USER
\getenv writer_password PG_WRITER_PASSWORD

-- .env.example's values are placeholders, never passwords: refuse them before any change.
SELECT concat_ws(', ',
         CASE WHEN :'admin_password' LIKE 'change-me%' THEN 'PGPASSWORD' END,
         CASE WHEN :'debezium_password' LIKE 'change-me%' THEN 'PG_DEBEZIUM_PASSWORD' END,
         CASE WHEN :'apicurio_password' LIKE 'change-me%' THEN 'PG_APICURIO_PASSWORD' END,
         CASE WHEN :'reader_password' LIKE 'change-me%' THEN 'PG_READER_PASSWORD' END,
         CASE WHEN :'writer_password' LIKE 'change-me%' THEN 'PG_WRITER_PASSWORD' END) AS placeholders \gset
SELECT :'placeholders' <> '' AS refused \gset
\if :refused
  SELECT format('BEGIN RAISE EXCEPTION %L; END',
                'init.sql: .env.example''s placeholder is not a password (' || :'placeholders'
                || '): set a secret of your own in .env (the native stack generates them when unset)')
    AS refusal \gset
  DO :'refusal';
\endif

-- Admin role: owns the business database and everything in it.
SELECT format('CREATE ROLE %I LOGIN', :'admin_user')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'admin_user') \gexec
ALTER ROLE :"admin_user" WITH LOGIN CREATEDB PASSWORD :'admin_password';
-- It may end other (non-superuser) sessions: a stuck client, or Debezium's walsender.
GRANT pg_signal_backend TO :"admin_user";
SELECT format('CREATE DATABASE %I OWNER %I', :'database', :'admin_user')
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = :'database') \gexec

-- Debezium: replication plus read access to public, nothing else.
SELECT 'CREATE ROLE debezium LOGIN REPLICATION'
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'debezium') \gexec
ALTER ROLE debezium WITH LOGIN REPLICATION NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'debezium_password';
REVOKE ALL ON DATABASE :"database" FROM PUBLIC;
GRANT CONNECT, TEMPORARY ON DATABASE :"database" TO :"admin_user";
GRANT CONNECT ON DATABASE :"database" TO debezium;

-- The checkers' role (validate, delta:check): reads, never writes but its verdict (below).
SELECT format('CREATE ROLE %I LOGIN', :'reader_user')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'reader_user') \gexec
ALTER ROLE :"reader_user" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'reader_password';
GRANT CONNECT ON DATABASE :"database" TO :"reader_user";

-- The writers' role (sim:load, sim:run): makes and writes the business tables and
-- schemas of its own (sim, a loader's --schema); no right on the stack's (cdc: the
-- heartbeat, Debezium's signal table, the verdicts). The admin may act as it.
SELECT format('CREATE ROLE %I LOGIN', :'writer_user')
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = :'writer_user') \gexec
ALTER ROLE :"writer_user" WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE NOREPLICATION PASSWORD :'writer_password';
GRANT CONNECT, TEMPORARY, CREATE ON DATABASE :"database" TO :"writer_user";
GRANT :"writer_user" TO :"admin_user";

-- Apicurio Registry's storage: its own role and database.
SELECT 'CREATE ROLE apicurio LOGIN'
  WHERE NOT EXISTS (SELECT FROM pg_roles WHERE rolname = 'apicurio') \gexec
ALTER ROLE apicurio WITH LOGIN NOSUPERUSER NOCREATEDB NOCREATEROLE PASSWORD :'apicurio_password';
SELECT 'CREATE DATABASE apicurio OWNER apicurio'
  WHERE NOT EXISTS (SELECT FROM pg_database WHERE datname = 'apicurio') \gexec
REVOKE ALL ON DATABASE apicurio FROM PUBLIC;

\connect :"database"
-- In PostgreSQL 15 schema public belongs to the database owner (the admin role).
GRANT USAGE ON SCHEMA public TO debezium;
GRANT SELECT ON ALL TABLES IN SCHEMA public TO debezium;
ALTER DEFAULT PRIVILEGES FOR ROLE :"admin_user" IN SCHEMA public GRANT SELECT ON TABLES TO debezium;
ALTER DEFAULT PRIVILEGES FOR ROLE :"writer_user" IN SCHEMA public GRANT SELECT ON TABLES TO debezium;

-- The writers' role makes tables in public. At each start, the tables of public and sim,
-- the sim schema and its routines that the admin made (a stack of an earlier version,
-- psql as the admin) become its own, so that sim:load --replace may drop them and
-- sim:run write and replace them.
GRANT USAGE, CREATE ON SCHEMA public TO :"writer_user";
SELECT format('ALTER TABLE %I.%I OWNER TO %I', n.nspname, c.relname, :'writer_user')
  FROM pg_class c JOIN pg_namespace n ON n.oid = c.relnamespace
  WHERE c.relkind IN ('r', 'p') AND n.nspname IN ('public', 'sim')
    AND c.relowner = (SELECT oid FROM pg_roles WHERE rolname = :'admin_user') \gexec
SELECT format('ALTER ROUTINE %s OWNER TO %I', p.oid::regprocedure, :'writer_user')
  FROM pg_proc p JOIN pg_namespace n ON n.oid = p.pronamespace
  WHERE n.nspname = 'sim' AND p.proowner = (SELECT oid FROM pg_roles WHERE rolname = :'admin_user') \gexec
SELECT format('ALTER SCHEMA sim OWNER TO %I', :'writer_user')
  FROM pg_namespace WHERE nspname = 'sim'
    AND nspowner = (SELECT oid FROM pg_roles WHERE rolname = :'admin_user') \gexec

-- The checkers' role reads every schema and table the admin and the writers make, now
-- and later (the loader's --schema, the simulator's sim), and writes only cdc.verdicts.
GRANT USAGE ON SCHEMA public TO :"reader_user";
GRANT SELECT ON ALL TABLES IN SCHEMA public TO :"reader_user";
SELECT format('GRANT USAGE ON SCHEMA %1$I TO %2$I; GRANT SELECT ON ALL TABLES IN SCHEMA %1$I TO %2$I',
              nspname, :'reader_user')
  FROM pg_namespace WHERE nspowner IN (SELECT oid FROM pg_roles WHERE rolname IN (:'admin_user', :'writer_user')) \gexec
ALTER DEFAULT PRIVILEGES FOR ROLE :"admin_user" GRANT USAGE ON SCHEMAS TO :"reader_user";
ALTER DEFAULT PRIVILEGES FOR ROLE :"admin_user" GRANT SELECT ON TABLES TO :"reader_user";
ALTER DEFAULT PRIVILEGES FOR ROLE :"writer_user" GRANT USAGE ON SCHEMAS TO :"reader_user";
ALTER DEFAULT PRIVILEGES FOR ROLE :"writer_user" GRANT SELECT ON TABLES TO :"reader_user";
-- The checkers' last verdicts (pipeline:status and the console show them), never captured.
CREATE SCHEMA IF NOT EXISTS cdc AUTHORIZATION :"admin_user";
CREATE TABLE IF NOT EXISTS cdc.verdicts (checker text PRIMARY KEY, ok boolean NOT NULL,
  summary text NOT NULL, finished_at timestamptz NOT NULL);
GRANT SELECT, INSERT, UPDATE ON cdc.verdicts TO :"admin_user", :"reader_user";
