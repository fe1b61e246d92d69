/**
 * Every `pnpm bench` run's report, kept as JSON under `<state>/bench/`: the next
 * run prints each figure beside the previous run's value of it.
 */
import { mkdir, readdir, readFile, writeFile } from 'node:fs/promises';
import { join } from 'node:path';
import type { Report } from './table.js';

export function historyDir(stateDir: string): string {
  return join(stateDir, 'bench');
}

/** The newest kept run with the same `quick` flag (a --quick run is not compared with a full one). */
export async function previousReport(dir: string, quick: boolean): Promise<Report | undefined> {
  const names = (await readdir(dir).catch(() => [] as string[]))
    .filter((n) => n.endsWith('.json'))
    .sort()
    .reverse();
  for (const name of names) {
    try {
      const report = JSON.parse(await readFile(join(dir, name), 'utf8')) as Report;
      if (report.quick === quick && Array.isArray(report.parts)) return report;
    } catch {
      // a file cut short by an interrupted run: look further back
    }
  }
  return undefined;
}

/** Writes `report` as `<dir>/<its date>.json` (the ISO date sorts by time); returns the path. */
export async function keepReport(dir: string, report: Report): Promise<string> {
  await mkdir(dir, { recursive: true });
  const file = join(dir, `${report.date.replaceAll(':', '-')}.json`);
  await writeFile(file, `${JSON.stringify(report, null, 2)}\n`);
  return file;
}
