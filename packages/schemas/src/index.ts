export {
  ORDER_STATUSES,
  ORDER_TRANSITIONS,
  OPEN_ORDER_STATUSES,
  canTransition,
  CUSTOMER_COLUMNS,
  PRODUCT_COLUMNS,
  ORDER_COLUMNS,
  type OrderStatus,
  type DecimalString,
  type IsoTimestamp,
  type Customer,
  type Product,
  type Order,
} from './domain.js';
export {
  EVENT_LOG_SCHEMA,
  EVENT_LOG_TABLE,
  type DomainEvent,
  type DomainEventType,
  type LoggedEvent,
} from './events.js';
export {
  BUSINESS_TABLES,
  SOURCE_SCHEMA,
  DEFAULT_TOPIC_PREFIX,
  topicFor,
  tableOfTopic,
  type BusinessTable,
} from './tables.js';
export {
  UNAVAILABLE_VALUE,
  type DebeziumOp,
  type DebeziumSource,
  type DebeziumEnvelope,
  type ChangeRecord,
  type Row,
} from './cdc.js';
export {
  ENV,
  parseStackEnv,
  readPostgresEnv,
  readPostgresReaderEnv,
  readPostgresWriterEnv,
  readS3ReaderEnv,
  STACK_ENV_HINT,
  type EnvName,
  type PostgresSettings,
  type S3Settings,
} from './config.js';
export { basicAuthHeaders } from './basic-auth.js';
export { CONNECT_AUTH_HINT, connectHeaders } from './connect-auth.js';
export { REGISTRY_ADMIN_ENV, REGISTRY_AUTH_HINT, registryAdminHeaders } from './registry-auth.js';
export {
  KAFKA_ADMIN_ENV,
  KAFKA_AUTH_HINT,
  KAFKA_BENCH_ENV,
  kafkaLogin,
  type KafkaLogin,
} from './kafka-auth.js';
export { PlatformError, type PlatformErrorOptions } from './errors.js';
export { allowedFlags, parseFlags, type FlagOptions } from './flags.js';
export {
  cliLogLevel,
  isLogLevel,
  LOG_LEVELS,
  logLevelFromEnv,
  type LogLevel,
} from './log-level.js';
export { DURATION_FORMS, durationMs } from './duration.js';
export { pollUntil } from './poll.js';
export {
  canonicalDecimal,
  canonicalFloat,
  canonicalJson,
  canonicalTime,
  canonicalTimestamp,
} from './canonical.js';
export {
  cliLogger,
  humanLines,
  LOG_FORMATS,
  logFormatFromEnv,
  resultJson,
  userPath,
  writeResult,
  type CliLoggerOptions,
  type LogFormat,
  type ResultStreams,
} from './cli-output.js';
export {
  readVerdicts,
  recordVerdict,
  VERDICTS_TABLE,
  type Checker,
  type Verdict,
} from './verdicts.js';
