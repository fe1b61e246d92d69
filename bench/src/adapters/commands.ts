/**
 * Child processes of the bench: the platform's CLIs (`pnpm --silent
 * --workspace-root <script>`), `ps`, and the Python silver poller. Each runs in
 * its own process group so stopping it also stops what pnpm and tsx started
 * under it; only processes started here are ever signalled.
 */
import { spawn } from 'node:child_process';
import { CommandError } from '../errors.js';

export interface StartOptions {
  readonly cwd: string;
  readonly env: NodeJS.ProcessEnv;
  /** Kill the process group and fail after this long. */
  readonly timeoutMs?: number;
  readonly onStdoutLine?: (line: string, at: number) => void;
  readonly onStderrLine?: (line: string, at: number) => void;
}

export interface Finished {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  /** The last lines of stderr, for error messages. */
  readonly stderrTail: readonly string[];
  readonly timedOut: boolean;
}

export interface Running {
  readonly pid: number;
  readonly label: string;
  readonly done: Promise<Finished>;
  /** SIGTERM (or the signal given) to the whole process group; a no-op once it exited. */
  stop(signal?: NodeJS.Signals): void;
}

const live = new Set<Running>();

/** Stops every child still running (on SIGINT of the bench). */
export function stopAll(): void {
  for (const child of live) child.stop();
}

function lines(
  onLine: ((line: string, at: number) => void) | undefined,
  keep: (line: string) => void,
) {
  let rest = '';
  return {
    push(chunk: string) {
      const at = Date.now();
      const parts = (rest + chunk).split(/\r\n|\n|\r/);
      rest = parts.pop() ?? '';
      for (const line of parts) {
        keep(line);
        onLine?.(line, at);
      }
    },
    end() {
      if (rest) {
        keep(rest);
        onLine?.(rest, Date.now());
      }
      rest = '';
    },
  };
}

export function start(file: string, args: readonly string[], options: StartOptions): Running {
  const label = [file, ...args].join(' ');
  const child = spawn(file, args, {
    cwd: options.cwd,
    env: options.env,
    stdio: ['ignore', 'pipe', 'pipe'],
    detached: true,
  });
  let stdout = '';
  const tail: string[] = [];
  const out = lines(options.onStdoutLine, () => undefined);
  const err = lines(options.onStderrLine, (line) => {
    if (!line.trim()) return;
    tail.push(line);
    if (tail.length > 20) tail.shift();
  });
  child.stdout.setEncoding('utf8').on('data', (chunk: string) => {
    stdout += chunk;
    out.push(chunk);
  });
  child.stderr.setEncoding('utf8').on('data', (chunk: string) => err.push(chunk));
  let exited = false;
  let timedOut = false;
  const stop = (signal: NodeJS.Signals = 'SIGTERM') => {
    if (exited || child.pid === undefined) return;
    try {
      process.kill(-child.pid, signal);
    } catch {
      // the group is gone already
    }
  };
  const timer =
    options.timeoutMs === undefined
      ? undefined
      : setTimeout(() => {
          timedOut = true;
          stop('SIGTERM');
          setTimeout(() => stop('SIGKILL'), 10_000).unref();
        }, options.timeoutMs);
  const running: Running = {
    pid: child.pid ?? -1,
    label,
    stop,
    done: new Promise<Finished>((resolve, reject) => {
      child.on('error', (e) => {
        exited = true;
        clearTimeout(timer);
        live.delete(running);
        reject(new CommandError(label, null, `could not start: ${e.message}`));
      });
      child.on('close', (code, signal) => {
        exited = true;
        clearTimeout(timer);
        live.delete(running);
        out.end();
        err.end();
        resolve({ code, signal, stdout, stderrTail: tail, timedOut });
      });
    }),
  };
  live.add(running);
  return running;
}

/** `pnpm --silent --workspace-root <args…>`: a root script of the platform. */
export function startScript(args: readonly string[], options: StartOptions): Running {
  return start('pnpm', ['--silent', '--workspace-root', ...args], options);
}

/** Why a finished command failed, or undefined when it exited 0. */
export function failure(
  label: string,
  finished: Finished,
  okCodes: readonly number[] = [0],
): CommandError | undefined {
  if (finished.code !== null && okCodes.includes(finished.code) && !finished.timedOut)
    return undefined;
  const how = finished.timedOut
    ? 'timed out'
    : finished.code === null
      ? `killed by ${finished.signal}`
      : `exited with ${finished.code}`;
  const last = finished.stderrTail.slice(-3).join(' / ');
  return new CommandError(label, finished.code, `${how}${last ? `: ${last}` : ''}`);
}

/** Runs a root script to its end; its stdout, or a CommandError. */
export async function runScript(args: readonly string[], options: StartOptions): Promise<string> {
  const finished = await startScript(args, options).done;
  const error = failure(`pnpm ${args.join(' ')}`, finished);
  if (error) throw error;
  return finished.stdout;
}

/** Runs a program to its end; its stdout, or a CommandError. */
export async function runProgram(
  file: string,
  args: readonly string[],
  options: StartOptions,
): Promise<string> {
  const finished = await start(file, args, options).done;
  const error = failure([file, ...args].join(' '), finished);
  if (error) throw error;
  return finished.stdout;
}
