import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { composeFiles, readServices, withDependencies } from '../../src/stack/services.js';

const infraDir = fileURLToPath(new URL('../..', import.meta.url));
const services = readServices(composeFiles(infraDir, 'single'));

describe('the process-compose file', () => {
  it('starts a service after everything it depends on', () => {
    const names = withDependencies(services, ['postgres-init']).map((service) => service.name);
    expect(names).toEqual(['postgres', 'postgres-init']);
  });

  it('knows one-shots (no readiness probe) from services', () => {
    expect(services.find((service) => service.name === 'postgres')?.oneShot).toBe(false);
    expect(services.find((service) => service.name === 'postgres-init')?.oneShot).toBe(true);
  });

  it("merges the cluster profile's file into the stack's: new nodes, and more dependencies", () => {
    const cluster = readServices(composeFiles(infraDir, 'cluster'));
    const names = withDependencies(cluster, ['kafka-init']).map((service) => service.name);
    expect(names).toEqual(['kafka', 'kafka-2', 'kafka-3', 'kafka-init']);
    expect(cluster.find((service) => service.name === 'spark-worker-2')?.oneShot).toBe(false);
    expect(services.map((service) => service.name)).not.toContain('kafka-2');
  });

  it('names the known services when asked for an unknown one', () => {
    expect(() => withDependencies(services, ['nope'])).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_SERVICE' }),
    );
  });
});
