import { spawn } from 'node:child_process';
import { exists } from '../adapters/fs.js';
import { StackError } from '../errors.js';

/** Prints the last lines of a log file, and keeps following it with `follow` (tail -F). */
export async function followLog(
  file: string,
  options: { lines: number; follow: boolean },
): Promise<number> {
  if (!options.follow && !(await exists(file))) {
    throw new StackError(
      'NO_LOG',
      `no log at ${file} yet: has the service been started (pnpm stack:up)?`,
    );
  }
  const args = ['-n', String(options.lines), ...(options.follow ? ['-F'] : []), file];
  return new Promise((resolveTail, reject) => {
    const child = spawn('tail', args, { stdio: ['ignore', 'inherit', 'inherit'] });
    child.on('error', reject);
    child.on('exit', (code) => resolveTail(code ?? 0));
  });
}
