/**
 * The error family of @mdp/infra: every failure carries a stable `code`
 * (tests assert on it), whether retrying can help, and the native `cause`.
 * Messages say what failed, where, and what to do next.
 */
import { PlatformError } from '@mdp/schemas';

export class StackError extends PlatformError {}

/** A bad command line: exit 2, the message says what is allowed. */
export class UsageError extends StackError {
  constructor(message: string) {
    super('USAGE', message);
  }
}

/** Environment or .env values that cannot be used; lists every problem at once. */
export class ConfigError extends StackError {
  readonly problems: readonly string[];

  constructor(problems: readonly string[]) {
    super('CONFIG_INVALID', `invalid stack settings:\n  - ${problems.join('\n  - ')}`);
    this.problems = problems;
  }
}

export class PortInUseError extends StackError {
  constructor(
    readonly service: string,
    readonly port: number,
    readonly envName: string,
  ) {
    super(
      'PORT_IN_USE',
      `port ${port} (127.0.0.1) needed by ${service} is already taken by another program: ` +
        `stop that program, or pick another port with ${envName}=<port> (or shift every port with MDP_PORT_OFFSET=<n>)`,
    );
  }
}

export class ServiceFailedError extends StackError {
  constructor(
    readonly service: string,
    readonly logFile: string,
    detail: string,
  ) {
    super(
      'SERVICE_FAILED',
      `${service} failed: ${detail}. Its log: ${logFile} (pnpm stack:logs ${service})`,
    );
  }
}

export class ServiceTimeoutError extends StackError {
  constructor(
    readonly service: string,
    readonly logFile: string,
    seconds: number,
  ) {
    super(
      'SERVICE_TIMEOUT',
      `${service} was not ready after ${seconds} s. Its log: ${logFile} (pnpm stack:logs ${service})`,
      { retriable: true },
    );
  }
}

export class JavaNotFoundError extends StackError {
  constructor(
    readonly service: string,
    readonly minVersion: number,
    searched: readonly string[],
  ) {
    super(
      'JAVA_NOT_FOUND',
      `${service} needs Java ${minVersion} or newer, none found (looked at ${searched.join(', ')}). ` +
        `Install a JDK ${minVersion}+ (e.g. apt-get install temurin-25-jdk) or point MDP_JAVA_HOME at one`,
    );
  }
}

export class InstallError extends StackError {
  constructor(
    readonly artifact: string,
    detail: string,
    options: { cause?: unknown; logFile?: string } = {},
  ) {
    super(
      'INSTALL_FAILED',
      `installing ${artifact} failed: ${detail}${options.logFile ? ` (full output: ${options.logFile})` : ''}`,
      { cause: options.cause, retriable: true },
    );
  }
}

export class NotRunningError extends StackError {
  constructor(stateDir: string) {
    super(
      'STACK_NOT_RUNNING',
      `the native stack of ${stateDir} is not running: start it with pnpm stack:up`,
    );
  }
}

export class UnknownServiceError extends StackError {
  constructor(name: string, known: readonly string[]) {
    super('UNKNOWN_SERVICE', `unknown service "${name}": use one of ${known.join(', ')}`);
  }
}

export class StateDirError extends StackError {
  constructor(message: string) {
    super('STATE_DIR', message);
  }
}
