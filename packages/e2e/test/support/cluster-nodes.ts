/**
 * The nodes of a cluster profile as the node-failure test drives them: the native
 * stack's processes (`pnpm stack kill|stop|start`) or compose.cluster.yaml's
 * containers (`docker compose kill|stop|up`). Both name a node by its service.
 */
import { execFileSync } from 'node:child_process';
import { compose, composeOutput } from './compose.js';
import { pnpmOk, stackService } from './platform.js';

type HttpNode = 'connect' | 'connect-2' | 'spark';

export interface ClusterNodes {
  /** kill -9 the node, then keep it down (stopped before, or just after, a restart by its supervisor) */
  killAndStop(service: string): Promise<void>;
  /** the node started again, and ready */
  start(service: string): Promise<void>;
  /** the host port of a node's HTTP API: Connect's REST API, the Spark job's UI */
  httpPort(service: HttpNode): Promise<number>;
  /** the id Kafka Connect gives a worker (its REST address, as advertised to the other) */
  connectWorkerId(service: 'connect' | 'connect-2'): Promise<string>;
  /** the ports the stack offers the host, and the local address of everything it listens on */
  listeners(): Promise<{ ports: number[]; listeners: string[] }>;
}

export const nativeNodes: ClusterNodes = {
  async killAndStop(service) {
    await pnpmOk(['stack', 'kill', service]);
    await pnpmOk(['stack', 'stop', service]);
  },
  async start(service) {
    await pnpmOk(['stack', 'start', service]); // waits for its readiness
  },
  async httpPort(service) {
    return (await stackService(service)).ports[0]!;
  },
  async connectWorkerId(service) {
    return `127.0.0.1:${(await stackService(service)).ports[0]}`;
  },
  /** every listening TCP socket of the stack's processes and their children (Spark's executors) */
  async listeners() {
    const services = JSON.parse(await pnpmOk(['stack', 'status', '--json'])) as {
      pid: number;
      ports: number[];
    }[];
    const children = new Map<number, number[]>();
    const processes = execFileSync('ps', ['-e', '-o', 'pid=,ppid='], { encoding: 'utf8' });
    for (const line of processes.split('\n')) {
      const [pid, ppid] = line.trim().split(/\s+/).map(Number);
      if (pid && ppid) children.set(ppid, [...(children.get(ppid) ?? []), pid]);
    }
    const pids = new Set<number>();
    const visit = (pid: number): void => {
      pids.add(pid);
      (children.get(pid) ?? []).forEach(visit);
    };
    services.filter((s) => s.pid > 0).forEach((s) => visit(s.pid));
    const listeners = execFileSync('ss', ['-H', '-ltnp'], { encoding: 'utf8' })
      .split('\n')
      .filter((line) => pids.has(Number(/pid=(\d+)/.exec(line)?.[1])))
      .map((line) => line.trim().split(/\s+/)[3] ?? '');
    return { ports: services.flatMap((s) => s.ports), listeners };
  },
};

/** The host port settings (compose.yaml's `${MDP_*_PORT}`) of the nodes with an HTTP API. */
const COMPOSE_HTTP_PORTS: Record<HttpNode, string> = {
  connect: 'MDP_CONNECT_PORT',
  'connect-2': 'MDP_CONNECT_2_PORT',
  spark: 'MDP_SPARK_UI_PORT',
};

export function composeNodes(envFile: string): ClusterNodes {
  return {
    async killAndStop(service) {
      await compose(envFile, ['kill', '--signal', 'SIGKILL', service]);
      await compose(envFile, ['stop', service]);
    },
    async start(service) {
      await compose(envFile, ['up', '--detach', '--wait', '--no-deps', service]);
    },
    httpPort: (service) => Promise.resolve(Number(process.env[COMPOSE_HTTP_PORTS[service]])),
    // connect.sh: CONNECT_ADVERTISED_HOST, port 8083
    connectWorkerId: (service) => Promise.resolve(`${service}:8083`),
    /** what the containers publish: a container listens on its own network, not the host's */
    listeners() {
      const published = composeOutput(envFile, ['ps', '--format', 'json'])
        .split('\n')
        .filter((line) => line.trim())
        .flatMap(
          (line) =>
            (JSON.parse(line) as { Publishers: { URL: string; PublishedPort: number }[] })
              .Publishers,
        )
        .filter((p) => p.PublishedPort > 0);
      return Promise.resolve({
        ports: published.map((p) => p.PublishedPort),
        listeners: published.map((p) => `${p.URL}:${p.PublishedPort}`),
      });
    },
  };
}
