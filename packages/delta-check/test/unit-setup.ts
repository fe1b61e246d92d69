import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import os from 'node:os';
import path from 'node:path';
import type { TestProject } from 'vitest/node';
import { ensurePyDelta, writeTables } from './pydelta.js';

declare module 'vitest' {
  export interface ProvidedContext {
    fixtureRoot: string;
    oracleFile: string;
  }
}

/** Writes every fixture table once per run with the real writer; the tests read them. */
export default function setup(project: TestProject): () => void {
  const python = ensurePyDelta();
  const root = mkdtempSync(path.join(os.tmpdir(), 'delta-check-'));
  const oracle = writeTables(python, root);
  const oracleFile = path.join(root, 'oracle.json');
  writeFileSync(oracleFile, JSON.stringify(oracle));
  project.provide('fixtureRoot', root);
  project.provide('oracleFile', oracleFile);
  return () => rmSync(root, { recursive: true, force: true });
}
