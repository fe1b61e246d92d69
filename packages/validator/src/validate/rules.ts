/** `validate --rules FILE`: rules of your own, each a module whose default export is a Rule (or a list of them). */
import { access } from 'node:fs/promises';
import { pathToFileURL } from 'node:url';
import { userPath } from '@mdp/schemas';
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
