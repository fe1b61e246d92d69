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
export { SimError, SimRuleError, type SimErrorCode } from './sim/errors.js';

// The one seeded PRNG of sim:gen and sim:run (faker draws from it too).
export { createRandom, type Random } from './fake/random.js';

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
  createRows,
  type Rows,
  type GenerateOptions,
  type Counts,
} from './generate/generate.js';
