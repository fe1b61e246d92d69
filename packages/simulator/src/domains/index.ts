/**
 * The domains `--domain` can name, and loading one from a file of your own
 * (a module whose default export is a defineDomain(...) definition).
 */
import { access } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { userPath } from '@mdp/schemas';
import type { AnyDomain } from '../sim/domain.js';
import { SimError } from '../sim/errors.js';
import { clinic } from './clinic/domain.js';
import { retail } from './retail/domain.js';

export const BUILT_IN_DOMAINS: Readonly<Record<string, AnyDomain>> = { retail, clinic };
export const DEFAULT_DOMAIN = 'retail';

/** A built-in domain by name, or the default export of a module given by path. */
export async function loadDomain(nameOrPath: string): Promise<AnyDomain> {
  const builtIn = BUILT_IN_DOMAINS[nameOrPath];
  if (builtIn) return builtIn;
  const known = Object.keys(BUILT_IN_DOMAINS).join(', ');
  if (!/[/\\.]/.test(nameOrPath))
    throw new SimError(
      'SIM_BAD_DOMAIN',
      `--domain "${nameOrPath}" is not a built-in domain (${known}) nor a path to a domain file`,
    );
  const path = userPath(nameOrPath);
  await access(path).catch(() => {
    throw new SimError('SIM_BAD_DOMAIN', `--domain ${nameOrPath}: no such file`);
  });
  const { default: definition } = (await import(pathToFileURL(path).href)) as { default?: unknown };
  const problem = whyNotADomain(definition);
  if (problem)
    throw new SimError(
      'SIM_BAD_DOMAIN',
      `--domain ${nameOrPath}: its default export is not a domain definition (${problem}); ` +
        'export default defineDomain({ ... }), see the README',
    );
  return definition as AnyDomain;
}

function whyNotADomain(value: unknown): string | undefined {
  if (typeof value !== 'object' || value === null) return 'no default export';
  const d = value as Record<string, unknown>;
  for (const field of ['name', 'description'])
    if (typeof d[field] !== 'string') return `${field} is not a string`;
  for (const field of ['init', 'context', 'row', 'rows'])
    if (typeof d[field] !== 'function') return `${field} is not a function`;
  if (!Array.isArray(d.tables) || d.tables.length === 0) return 'tables is not a list of tables';
  if (!Array.isArray(d.invariants)) return 'invariants is not a list';
  if (typeof d.events !== 'object' || d.events === null || Object.keys(d.events).length === 0)
    return 'events has no event type';
  return undefined;
}
