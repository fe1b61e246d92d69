/**
 * The rules `validate` checks besides the stream's: `--rules FILE`, rules of your own, each a
 * module whose default export is a Rule (or a list of them); `--domain D`, the domains whose
 * invariants are the business rules.
 */
import { access } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { userPath } from '@mdp/schemas';
import { BUILT_IN_DOMAINS, loadDomain, type Invariant } from '@mdp/simulator';
import { UsageError } from '../errors.js';
import type { Rule } from './topology.js';

export async function loadRules(files: readonly string[]): Promise<Rule[]> {
  const rules: Rule[] = [];
  for (const file of files) {
    const path = userPath(file);
    await access(path).catch(() => {
      throw new UsageError(`--rules ${file}: no such file`);
    });
    const { default: exported } = (await import(pathToFileURL(path).href)) as { default?: unknown };
    const list = Array.isArray(exported) ? (exported as unknown[]) : [exported];
    if (!list.length || list.some((rule) => typeof rule !== 'function'))
      throw new UsageError(
        `--rules ${file}: its default export must be a rule (a function from a stream of keyed changes to violations) or a list of rules`,
      );
    rules.push(...(list as Rule[]));
  }
  return rules;
}

/** The invariants of the domains named (none: every built-in domain). */
export async function loadInvariants(domains: readonly string[]): Promise<Invariant[]> {
  const loaded = [];
  for (const domain of domains)
    loaded.push(
      await loadDomain(domain).catch((err: Error) => {
        throw new UsageError(err.message);
      }),
    );
  if (domains.length === 0) loaded.push(...Object.values(BUILT_IN_DOMAINS));
  return loaded.flatMap((domain) => domain.invariants);
}
