import { readFileSync } from 'node:fs';
import { parse } from 'yaml';
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

/** The processes of infra/process-compose.yaml, in file order, with their dependencies. */
export function readServices(file: string): ServiceSpec[] {
  const doc = parse(readFileSync(file, 'utf8')) as {
    processes?: Record<string, RawProcess | null>;
  };
  return Object.entries(doc.processes ?? {}).map(([name, raw]) => ({
    name,
    dependsOn: Object.keys(raw?.depends_on ?? {}),
    oneShot: raw?.readiness_probe === undefined,
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
