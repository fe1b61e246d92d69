// Public API of @mdp/simulator.

// Simulator engine (src/sim).
export {
  runSimulation,
  DEFAULT_SEED,
  type SimulationOptions,
  type SimulationSummary,
  type Progress,
} from './sim/simulator.js';
export { createSimStore, type SimStore, type SimStoreOptions } from './sim/pg-store.js';
export { createGenerator, keysOf, type Generator, type GeneratedEvent } from './sim/generator.js';
export { createState, evolve, fold, rowsOf, type SimState, type Snapshot } from './sim/state.js';
export { createPrng, type Prng } from './sim/prng.js';
export { SimError, SimRuleError, type SimErrorCode } from './sim/errors.js';

// CSV loader (src/load) and dataset generator (src/generate).
export { SimulatorError } from './errors.js';
export {
  createLoader,
  listCsvFiles,
  type Loader,
  type LoadOptions,
  type LoadProgress,
  type TableReport,
  type TypeDeclarations,
} from './load/loader.js';
export {
  LoadError,
  LOAD_ERROR_CODES,
  type LoadErrorCode,
  type CsvLocation,
} from './load/errors.js';
export { createColumnInferrer, type ColumnInferrer, type InferredColumn } from './load/infer.js';
export { sqlType, parseColumnType, type ColumnType } from './load/types.js';
export {
  generateDataset,
  countsForScale,
  customerRow,
  productRow,
  orderRow,
  type GenerateOptions,
  type Counts,
} from './generate/generate.js';
