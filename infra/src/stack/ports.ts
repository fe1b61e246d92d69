import { createServer } from 'node:net';
import { PORTS, type PortName } from '../config.js';
import { PortInUseError } from '../errors.js';

/** true when nothing listens on 127.0.0.1:port (we can bind it ourselves). */
function isPortFree(port: number): Promise<boolean> {
  return new Promise((resolvePort) => {
    const server = createServer();
    server.once('error', () => resolvePort(false));
    server.listen({ host: '127.0.0.1', port, exclusive: true }, () => {
      server.close(() => resolvePort(true));
    });
  });
}

/** Throws PortInUseError for the first port of these services that another program holds. */
export async function assertPortsFree(
  ports: Readonly<Record<PortName, number>>,
  services: readonly string[],
): Promise<void> {
  for (const [name, spec] of Object.entries(PORTS) as [PortName, (typeof PORTS)[PortName]][]) {
    if (!services.includes(spec.service)) continue;
    if (!(await isPortFree(ports[name])))
      throw new PortInUseError(spec.service, ports[name], spec.env);
  }
}

/** The ports a service binds. */
export function portsOf(ports: Readonly<Record<PortName, number>>, service: string): number[] {
  return (Object.entries(PORTS) as [PortName, (typeof PORTS)[PortName]][])
    .filter(([, spec]) => spec.service === service)
    .map(([name]) => ports[name]);
}
