// Public API of @mdp/simulator.

// Simulator engine (src/sim).
export { runSimulation, DEFAULT_SEED, type SimulationOptions, type SimulationSummary, type Progress } from './sim/simulator.js';
export { createSimStore, type SimStore, type SimStoreOptions } from './sim/pg-store.js';
export { createGenerator, keysOf, type Generator, type GeneratedEvent } from './sim/generator.js';
export { createState, evolve, fold, rowsOf, type SimState, type Snapshot } from './sim/state.js';
export { createPrng, type Prng } from './sim/prng.js';
export { SimError, SimRuleError, type SimErrorCode } from './sim/errors.js';
