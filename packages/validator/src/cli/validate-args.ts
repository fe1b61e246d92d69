/** `pnpm validate` flags. */
import { BUSINESS_TABLES, parseFlags } from '@mdp/schemas';
import { UsageError } from '../errors.js';
import { durationSeconds } from './consume-args.js';

export const VALIDATE_HELP = `Usage: pnpm validate [--follow] [--tables a,b] [--timeout D] [--json FILE] [--connector NAME] [--interval D] [--rules FILE] [--domain D]

Replays the CDC topics from the beginning and proves, per table: every record decodes;
per key the source LSN never goes backwards (a re-delivered key+LSN+op is a duplicate,
counted, not a failure); the replayed rows equal PostgreSQL at a watermark; every
event of sim.event_log has its change; the business rules hold: the invariants the
simulator's domains declare (retail: status only forward, stock >= 0, a cancelled order
never shipped; clinic: an appointment's status only forward, a lab result's flag fits its
value), each on the tables of its domain.

Watermark: one REPEATABLE READ snapshot of PostgreSQL with W = pg_current_wal_insert_lsn()
(an asynchronous commit is visible before pg_current_wal_lsn() passes it);
the validator waits until the connector's committed offset (Kafka Connect REST) is >= W,
then consumes each topic to its end offset, and replays only the transactions that
snapshot sees.

Options:
  --tables a,b     tables to check (default: ${BUSINESS_TABLES.join(',')})
  --timeout D      how long to wait for the connector to pass the watermark, and again
                   for the consumer to read the topics to their end offsets: 90s, 5m,
                   or seconds (default 60)
  --json FILE      also write the report as JSON to FILE; - puts it alone on stdout
                   (--report FILE, its older name, still works)
  --follow         keep running: a rolling status line every second, a verdict every --interval
  --interval D     time between verdicts with --follow (default 10s)
  --connector N    Debezium connector name (default mdp-postgres)
  --rules FILE     also run the rules of FILE, a module whose default export is a rule or
                   a list of them (packages/validator/examples/quantity-fixed.ts is one);
                   may be given more than once
  --domain D       the domains whose invariants are the business rules: a built-in one
                   (retail, clinic) or the path of a domain file; may be given more than
                   once (default: every built-in domain)
  --help           this text

Environment: KAFKA_BROKERS with KAFKA_USER KAFKA_PASSWORD (SCRAM), SCHEMA_REGISTRY_URL,
PGHOST PGPORT PGDATABASE with PG_READER_USER
PG_READER_PASSWORD (the stack's read-only role; else PGUSER PGPASSWORD),
KAFKA_CONNECT_URL with KAFKA_CONNECT_USER KAFKA_CONNECT_PASSWORD (without it the connector
offset is not awaited: only the topic end offsets).
Exit codes: 0 everything holds; 1 a check failed; 2 bad usage; 3 the stream did not pass the
watermark within --timeout (the report still names what is missing); 4 could not check
(a setting missing, a service down: the message names it).`;

export interface ValidateArgs {
  help: boolean;
  follow: boolean;
  tables: string[];
  timeoutSeconds: number;
  intervalSeconds: number;
  json: string | undefined;
  connector: string;
  rules: string[];
  /** Domains named by --domain (none: every built-in domain). */
  domains: string[];
}

export function parseValidateArgs(argv: readonly string[]): ValidateArgs {
  const { values } = parseFlags(
    argv,
    {
      follow: { type: 'boolean' },
      tables: { type: 'string' },
      timeout: { type: 'string' },
      interval: { type: 'string' },
      json: { type: 'string' },
      report: { type: 'string' },
      connector: { type: 'string' },
      rules: { type: 'string', multiple: true },
      domain: { type: 'string', multiple: true },
      help: { type: 'boolean', short: 'h' },
    },
    (message) => new UsageError(message),
  );
  const tables =
    values.tables === undefined
      ? [...BUSINESS_TABLES]
      : values.tables
          .split(',')
          .map((t) => t.trim())
          .filter(Boolean);
  if (!tables.length) throw new UsageError('--tables needs at least one table name');
  for (const t of tables)
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(t))
      throw new UsageError(`--tables: "${t}" is not a table name`);
  return {
    help: values.help ?? false,
    follow: values.follow ?? false,
    tables,
    timeoutSeconds:
      values.timeout === undefined ? 60 : durationSeconds('--timeout', values.timeout),
    intervalSeconds:
      values.interval === undefined ? 10 : durationSeconds('--interval', values.interval),
    json: values.json ?? values.report,
    connector: values.connector ?? 'mdp-postgres',
    rules: values.rules ?? [],
    domains: values.domain ?? [],
  };
}
