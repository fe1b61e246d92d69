/** The validator's error family: every error has a stable `code`, `retriable` and the native `cause`. */
import { PlatformError } from '@mdp/schemas';

export class ValidatorError extends PlatformError {}

/** Bad command-line usage (exit 2). */
export class UsageError extends ValidatorError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

/** Missing or malformed environment settings, all listed at once. */
export class ConfigError extends ValidatorError {
  constructor(readonly problems: readonly string[]) {
    super(
      'CONFIG',
      `bad configuration: ${problems.join('; ')} (eval "$(pnpm -s stack:env)" sets them for the native stack)`,
    );
  }
}

export type DecodeErrorCode =
  | 'DECODE_BAD_MAGIC'
  | 'DECODE_TRUNCATED'
  | 'DECODE_UNKNOWN_SCHEMA'
  | 'DECODE_AVRO'
  | 'DECODE_NOT_DEBEZIUM';

/** A record that cannot be decoded: a value in the stream (a poison record), never thrown out of a pipeline. */
export class DecodeError extends ValidatorError {
  constructor(
    code: DecodeErrorCode,
    message: string,
    readonly where: { topic: string; partition: number; offset: string; part: 'key' | 'value' },
    cause?: unknown,
  ) {
    super(code, `${where.topic}/${where.partition}@${where.offset} ${where.part}: ${message}`, {
      cause,
    });
  }
}

/** The schema registry could not be reached or answered with a server error: an infrastructure failure. */
export class RegistryError extends ValidatorError {
  constructor(message: string, cause?: unknown) {
    super('REGISTRY_UNAVAILABLE', message, { cause, retriable: true });
  }
}
