import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse } from 'yaml';
import type { Profile } from '../config.js';
import { UnknownServiceError } from '../errors.js';

export interface ServiceSpec {
  readonly name: string;
  readonly dependsOn: readonly string[];
  /** A service without a readiness probe is a one-shot: it must exit 0. */
  readonly oneShot: boolean;
}

interface RawProcess {
  depends_on?: Record<string, unknown>;
  readiness_probe?: unknown;
}

/** The process-compose files of a profile: the stack's, and the cluster's additions to it. */
export function composeFiles(infraDir: string, profile: Profile): string[] {
  const base = join(infraDir, 'process-compose.yaml');
  return profile === 'cluster' ? [base, join(infraDir, 'process-compose.cluster.yaml')] : [base];
}

/**
 * The processes of process-compose files (infra/process-compose.yaml, then a
 * profile's file), in file order, with their dependencies. A later file adds
 * processes and extends earlier ones, as process-compose merges them: a process
 * named again keeps its dependencies and gains the new ones.
 */
export function readServices(files: readonly string[]): ServiceSpec[] {
  const merged = new Map<string, { dependsOn: Set<string>; probed: boolean }>();
  for (const file of files) {
    const doc = parse(readFileSync(file, 'utf8')) as {
      processes?: Record<string, RawProcess | null>;
    };
    for (const [name, raw] of Object.entries(doc.processes ?? {})) {
      const entry = merged.get(name) ?? { dependsOn: new Set<string>(), probed: false };
      for (const dependency of Object.keys(raw?.depends_on ?? {})) entry.dependsOn.add(dependency);
      entry.probed ||= raw?.readiness_probe !== undefined;
      merged.set(name, entry);
    }
  }
  return [...merged].map(([name, entry]) => ({
    name,
    dependsOn: [...entry.dependsOn],
    oneShot: !entry.probed,
  }));
}

/** The named services plus everything they depend on, dependencies first. */
export function withDependencies(
  services: readonly ServiceSpec[],
  names: readonly string[],
): ServiceSpec[] {
  const byName = new Map(services.map((service) => [service.name, service]));
  const known = services.map((service) => service.name);
  const ordered: ServiceSpec[] = [];
  const visit = (name: string): void => {
    const service = byName.get(name);
    if (!service) throw new UnknownServiceError(name, known);
    if (ordered.includes(service)) return;
    service.dependsOn.forEach(visit);
    ordered.push(service);
  };
  (names.length > 0 ? names : known).forEach(visit);
  return ordered;
}
