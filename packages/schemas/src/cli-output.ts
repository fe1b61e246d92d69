/**
 * How every CLI of the platform writes: its log on stderr (human lines on a
 * terminal, JSON lines when piped, or as `MDP_LOG_FORMAT` says) and its result on
 * stdout (human text, or with `--json FILE` also JSON in FILE; `--json -` puts the
 * JSON alone on stdout and the human text on stderr).
 */
import { writeFile } from 'node:fs/promises';
import { resolve } from 'node:path';
import { pino, type Bindings, type Logger } from 'pino';
import pretty from 'pino-pretty';
import { cliLogLevel, type LogLevel } from './log-level.js';

export const LOG_FORMATS = ['pretty', 'json'] as const;
export type LogFormat = (typeof LOG_FORMATS)[number];

/** `MDP_LOG_FORMAT`, else pretty on a terminal and JSON when piped; an unknown format throws. */
export function logFormatFromEnv(
  env: Record<string, string | undefined>,
  stderrIsTerminal: boolean,
): LogFormat {
  const asked = env['MDP_LOG_FORMAT']?.trim().toLowerCase();
  if (!asked) return stderrIsTerminal ? 'pretty' : 'json';
  if ((LOG_FORMATS as readonly string[]).includes(asked)) return asked as LogFormat;
  throw new Error(
    `MDP_LOG_FORMAT="${env['MDP_LOG_FORMAT']}" is not a log format: use one of ${LOG_FORMATS.join(', ')}`,
  );
}

export interface CliLoggerOptions {
  /** The level when MDP_LOG_LEVEL is not set. */
  readonly defaultLevel: LogLevel;
  /** A level the CLI was given by a flag (delta:check --log-level): wins over the environment. */
  readonly level?: LogLevel;
  readonly base?: Bindings;
  readonly env?: Record<string, string | undefined>;
}

/** A CLI's logger on stderr; a bad MDP_LOG_LEVEL or MDP_LOG_FORMAT ends the process with exit 2 and why. */
export function cliLogger(cli: string, options: CliLoggerOptions): Logger {
  const env = options.env ?? process.env;
  const level = options.level ?? cliLogLevel(cli, env, options.defaultLevel);
  let format: LogFormat;
  try {
    format = logFormatFromEnv(env, process.stderr.isTTY === true);
  } catch (err) {
    process.stderr.write(`${cli}: ${(err as Error).message}\n`);
    process.exit(2);
  }
  const settings = { level, base: options.base ?? null };
  return format === 'json'
    ? pino(settings, pino.destination({ fd: 2, sync: true }))
    : pino(
        settings,
        pretty({
          destination: 2,
          sync: true,
          ignore: 'pid,hostname',
          translateTime: 'HH:MM:ss',
          colorize: process.stderr.isTTY === true, // pretty into a pipe or file: plain text
        }),
      );
}

/** A result as JSON text: bigints as decimal strings, two-space indent, a final newline. */
export function resultJson(value: unknown): string {
  return `${JSON.stringify(value, (_k, v: unknown) => (typeof v === 'bigint' ? v.toString() : v), 2)}\n`;
}

export interface ResultStreams {
  readonly stdout: (text: string) => void;
  readonly stderr: (text: string) => void;
}

const PROCESS_STREAMS: ResultStreams = {
  stdout: (text) => process.stdout.write(text),
  stderr: (text) => process.stderr.write(text),
};

/** Where a CLI prints its human lines as they come: stdout, or stderr when `--json -` takes stdout. */
export function humanLines(json: string | undefined): (line: string) => void {
  return (line) => (json === '-' ? process.stderr : process.stdout).write(`${line}\n`);
}

/**
 * The `--json FILE` convention: the human text on stdout and the result as JSON in
 * FILE; with `-`, the JSON alone on stdout and the human text on stderr.
 */
/**
 * A path the user gave on the command line. `pnpm --filter` runs a CLI inside its package,
 * so a relative path is taken from where pnpm was called (INIT_CWD).
 */
export function userPath(path: string, env: NodeJS.ProcessEnv = process.env): string {
  return resolve(env.INIT_CWD ?? process.cwd(), path);
}

export async function writeResult(
  json: string | undefined,
  result: unknown,
  human: string,
  streams: ResultStreams = PROCESS_STREAMS,
): Promise<void> {
  (json === '-' ? streams.stderr : streams.stdout)(human);
  if (json === '-') streams.stdout(resultJson(result));
  else if (json) await writeFile(userPath(json), resultJson(result));
}
