/**
 * The faults of `pnpm soak`, injected one after the other through `pnpm stack …`
 * (the native stack's supervisor), each followed by what brings the platform
 * back: the service started again, and `pnpm connect:register`, which waits
 * until the connector's task is RUNNING.
 */
import { runProgram, runScript } from '../adapters/commands.js';
import { childOptions, type Context } from '../parts/context.js';

export interface Fault {
  readonly name: string;
  inject(ctx: Context): Promise<void>;
}

const stack = (ctx: Context, ...args: string[]) =>
  runScript(['stack', ...args], childOptions(ctx, `stack ${args.join(' ')}`, 600_000));
const connectorRunning = (ctx: Context) =>
  runScript(['connect:register'], childOptions(ctx, 'connect:register', 600_000));
const sleep = (ms: number) => new Promise((resolve) => setTimeout(resolve, ms));

/** kill -9 of `service`, started again by hand, then the connector RUNNING again. */
async function killAndRecover(ctx: Context, service: string): Promise<void> {
  await stack(ctx, 'kill', service);
  await stack(ctx, 'start', service);
  await connectorRunning(ctx);
}

/** kill -9 of the JVM under the Spark job's Python driver (the process that writes Delta). */
async function killSparkJvm(ctx: Context): Promise<void> {
  const services = JSON.parse(await stack(ctx, 'status', '--json')) as {
    name: string;
    pid: number;
  }[];
  const driver = services.find((s) => s.name === 'spark')!.pid;
  const jvm = await runProgram('pgrep', ['-P', String(driver), 'java'], childOptions(ctx, 'pgrep'));
  process.kill(Number(jvm.trim().split('\n')[0]), 'SIGKILL');
}

export const FAULTS: readonly Fault[] = [
  {
    name: 'kill -9 Kafka Connect',
    inject: (ctx) => killAndRecover(ctx, 'connect'),
  },
  {
    name: 'kill -9 the Spark JVM',
    async inject(ctx) {
      await killSparkJvm(ctx);
      await stack(ctx, 'start', 'spark'); // waits while the supervisor restarts the job
    },
  },
  {
    name: 'restart Kafka',
    async inject(ctx) {
      await stack(ctx, 'restart', 'kafka');
      await connectorRunning(ctx);
    },
  },
  {
    name: 'MinIO stopped for 15 s',
    async inject(ctx) {
      await stack(ctx, 'stop', 'minio');
      await sleep(15_000);
      await stack(ctx, 'start', 'minio');
      await stack(ctx, 'start', 'spark');
    },
  },
  {
    name: 'kill -9 PostgreSQL',
    inject: (ctx) => killAndRecover(ctx, 'postgres'),
  },
  {
    name: 'restart the schema registry',
    async inject(ctx) {
      await stack(ctx, 'restart', 'apicurio');
      await connectorRunning(ctx);
    },
  },
];
