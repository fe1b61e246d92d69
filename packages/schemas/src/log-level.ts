/**
 * The log level every CLI of the platform reads: `MDP_LOG_LEVEL` (the simulator's
 * and the validator's older `LOG_LEVEL` is still read after it), else the CLI's own
 * default; a flag such as delta:check's `--log-level` overrides both.
 */
export const LOG_LEVELS = ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] as const;
export type LogLevel = (typeof LOG_LEVELS)[number];

export function isLogLevel(text: string): text is LogLevel {
  return (LOG_LEVELS as readonly string[]).includes(text);
}

/** The level `env` asks for, or `fallback`; an unknown level throws, naming the allowed ones. */
export function logLevelFromEnv(
  env: Record<string, string | undefined>,
  fallback: LogLevel,
): LogLevel {
  const name = env['MDP_LOG_LEVEL'] ? 'MDP_LOG_LEVEL' : env['LOG_LEVEL'] ? 'LOG_LEVEL' : undefined;
  if (name === undefined) return fallback;
  const level = env[name]!.trim().toLowerCase();
  if (!isLogLevel(level))
    throw new Error(
      `${name}="${env[name]}" is not a log level: use one of ${LOG_LEVELS.join(', ')}`,
    );
  return level;
}

/** logLevelFromEnv for a CLI's start: an unknown level ends the process with exit 2 and why. */
export function cliLogLevel(
  cli: string,
  env: Record<string, string | undefined>,
  fallback: LogLevel,
): LogLevel {
  try {
    return logLevelFromEnv(env, fallback);
  } catch (err) {
    process.stderr.write(`${cli}: ${(err as Error).message}\n`);
    process.exit(2);
  }
}
