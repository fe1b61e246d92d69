/**
 * Errors of the simulator engine: the package's SimulatorError family, with
 * the engine's codes spelled out.
 */
import { SimulatorError } from '../errors.js';

export type SimErrorCode =
  | 'SIM_BAD_FLAG' // a command-line flag has a value we do not accept
  | 'SIM_CONFIG' // PostgreSQL settings missing from the environment
  | 'SIM_NO_TABLES' // business tables missing or lacking a domain column
  | 'SIM_BAD_DOMAIN' // --domain names no domain, or its definition is not one
  | 'SIM_BAD_SNAPSHOT' // starting data break a business rule (negative stock, unknown status)
  | 'SIM_RULE_VIOLATION' // an event would break a business rule
  | 'SIM_SEED_MISMATCH' // --seed differs from the seed the event log was made with
  | 'SIM_LOG_DIVERGED' // the event log is not what snapshot + seed generate
  | 'SIM_STATE_MISMATCH' // business tables differ from snapshot + fold(event log)
  | 'SIM_LOCKED' // another simulator works on the same event log
  | 'SIM_APPLY_FAILED' // PostgreSQL refused an event's transaction
  | 'SIM_PG_UNREACHABLE'; // the connection was lost and could not be made again in time

export class SimError extends SimulatorError {
  declare readonly code: SimErrorCode;

  constructor(
    code: SimErrorCode,
    message: string,
    options: { cause?: unknown; retriable?: boolean } = {},
  ) {
    super(code, message, options);
  }
}

/** An event that would break a business rule; names the event's position. */
export class SimRuleError extends SimError {
  readonly seq: number;
  constructor(seq: number, message: string) {
    super('SIM_RULE_VIOLATION', `event ${seq}: ${message}`);
    this.seq = seq;
  }
}
