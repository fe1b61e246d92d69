/** `pnpm soak --plot`: the run's samples as charts (memory, files per Delta table, faults). */
import type { PlotChart, PlotPage } from '@mdp/console';
import type { SoakArgs } from './args.js';
import type { Sample } from './samples.js';
import { formatLoad } from '../table.js';

export interface FaultRun {
  readonly name: string;
  /** Seconds since the soak started. */
  readonly at: number;
  /** Until the service was back and the connector RUNNING. */
  readonly recoverySeconds: number;
  readonly error?: string;
}

export interface Verdicts {
  readonly validateOk: boolean;
  readonly lost: number;
  readonly kafkaDuplicates: number;
  readonly lakeEqual: boolean;
  readonly silverDuplicates: number;
}

/** What a soak keeps of its run (the JSON of --json, and what --from reads). */
export interface SoakRun {
  readonly args: SoakArgs;
  readonly samples: readonly Sample[];
  readonly faults: readonly FaultRun[];
  readonly verdicts: Verdicts;
  readonly loadStart: readonly number[];
  readonly loadEnd: readonly number[];
}

const MINUTES = { time: false, xLabel: 'minutes since the start' } as const;

function perKey(
  id: string,
  title: string,
  unit: string,
  samples: readonly Sample[],
  pick: (s: Sample) => Readonly<Record<string, number>>,
): PlotChart {
  const keys = [...new Set(samples.flatMap((s) => Object.keys(pick(s))))].sort();
  return {
    id,
    title,
    unit,
    ...MINUTES,
    x: samples.map((s) => s.at / 60),
    series: keys.map((key) => ({ label: key, values: samples.map((s) => pick(s)[key] ?? null) })),
  };
}

const mapValues = (
  record: Readonly<Record<string, { active: number; stored: number }>>,
  field: 'active' | 'stored',
) => Object.fromEntries(Object.entries(record).map(([k, v]) => [k, v[field]]));

export function soakPlot(run: SoakRun): PlotPage {
  const { args, samples, faults } = run;
  return {
    title: `pnpm soak: ${args.minutes} min at ${args.rate} events/s, a fault every ${args.faultEveryMinutes} min`,
    notes: [
      `load average at the start ${formatLoad(run.loadStart)}, at the end ${formatLoad(run.loadEnd)}`,
      `verdicts: ${JSON.stringify(run.verdicts)}`,
      ...faults.map(
        (f) =>
          `minute ${(f.at / 60).toFixed(1)}: ${f.name}, ${f.error ? `NOT recovered: ${f.error}` : `back in ${f.recoverySeconds.toFixed(0)} s`}`,
      ),
    ],
    charts: [
      perKey('memory', 'memory per service (RSS of its process tree)', 'MB', samples, (s) =>
        Object.fromEntries(Object.entries(s.memoryBytes).map(([k, v]) => [k, v / 1024 ** 2])),
      ),
      perKey('files-read', "files each table's current version reads", 'files', samples, (s) =>
        mapValues(s.files, 'active'),
      ),
      perKey('files-stored', 'Parquet objects MinIO stores per table', 'objects', samples, (s) =>
        mapValues(s.files, 'stored'),
      ),
      {
        id: 'recovery',
        title: 'each fault: seconds until the platform was back',
        unit: 's',
        ...MINUTES,
        points: true,
        x: faults.map((f) => f.at / 60),
        series: [{ label: 'recovery', values: faults.map((f) => f.recoverySeconds) }],
      },
    ],
  };
}
