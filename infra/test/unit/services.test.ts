import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { readServices, withDependencies } from '../../src/stack/services.js';

const services = readServices(
  fileURLToPath(new URL('../../process-compose.yaml', import.meta.url)),
);

describe('the process-compose file', () => {
  it('starts a service after everything it depends on', () => {
    const names = withDependencies(services, ['postgres-init']).map((service) => service.name);
    expect(names).toEqual(['postgres', 'postgres-init']);
  });

  it('knows one-shots (no readiness probe) from services', () => {
    expect(services.find((service) => service.name === 'postgres')?.oneShot).toBe(false);
    expect(services.find((service) => service.name === 'postgres-init')?.oneShot).toBe(true);
  });

  it('names the known services when asked for an unknown one', () => {
    expect(() => withDependencies(services, ['nope'])).toThrow(
      expect.objectContaining({ code: 'UNKNOWN_SERVICE' }),
    );
  });
});
