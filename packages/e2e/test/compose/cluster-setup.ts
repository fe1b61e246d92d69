/** Vitest globalSetup of the compose cluster suite: compose.cluster.yaml's project (compose-setup.ts). */
import { composeSetup } from './compose-setup.js';

export default function setup(): Promise<() => Promise<void>> {
  return composeSetup('cluster');
}
