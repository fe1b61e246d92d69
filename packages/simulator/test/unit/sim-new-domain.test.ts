/**
 * `pnpm sim:new-domain`: the template it writes is a domain that loads, makes
 * its starting data, and runs by the engine's rules, from where it is written.
 */
import { existsSync, readFileSync, rmSync } from 'node:fs';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it, vi } from 'vitest';
import { loadDomain } from '../../src/domains/index.js';
import { main } from '../../src/domains/new-domain.js';
import { fold, tablesOf } from '../../src/sim/fold.js';
import { createGenerator } from '../../src/sim/generator.js';

const repo = fileURLToPath(new URL('../../../../', import.meta.url));
const name = `test_${process.pid}`;
const file = `${repo}domains/${name}.ts`;
afterAll(() => rmSync(file, { force: true }));

const run = async (...argv: string[]) => {
  const out: string[] = [];
  const spies = [process.stdout, process.stderr].map((stream) =>
    vi.spyOn(stream, 'write').mockImplementation((chunk) => (out.push(String(chunk)), true)),
  );
  try {
    return { code: await main(argv), out: out.join('') };
  } finally {
    for (const spy of spies) spy.mockRestore();
  }
};

describe('sim:new-domain', () => {
  it('writes <repo>/domains/NAME.ts, a domain that runs as it is', async () => {
    const { code, out } = await run(name);
    expect(code, out).toBe(0);
    expect(out).toContain(`--sim-schema sim_${name}`);
    const domain = await loadDomain(file);
    expect(domain.name).toBe(name);
    expect(readFileSync(file, 'utf8')).toContain(`--sim-schema sim_${name}`);

    const counts = domain.dataset!.counts(1);
    const row = domain.dataset!.rows({ seed: 42, counts });
    const tables = Object.fromEntries(
      domain.tables.map((t) => [
        t.name,
        Array.from({ length: counts[t.name]! }, (_, i) => row(t.name, i + 1)),
      ]),
    );
    const g = createGenerator({ domain, seed: 1, tables });
    const events = Array.from({ length: 3000 }, (_, i) =>
      g.next(new Date(Date.UTC(2026, 11, 1) + i * 1000).toISOString()),
    );
    expect(new Set(events.map((e) => e.event.type))).toEqual(new Set(Object.keys(domain.events)));
    expect(tablesOf(domain, fold(domain, tables, events))).toEqual(tablesOf(domain, g.state));
  });

  it('keeps a file that exists (--force overwrites it), and names what a bad NAME is', async () => {
    expect(existsSync(file)).toBe(true);
    expect((await run(name)).code).toBe(1);
    expect((await run(name, '--force')).code).toBe(0);
    const bad = await run('My Shop');
    expect(bad.code).toBe(2);
    expect(bad.out).toContain('give one NAME: lower-case letters');
  });
});
