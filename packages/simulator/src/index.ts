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
export { createGenerator, type Generator, type GeneratedEvent } from './sim/generator.js';
export {
  evolve,
  fold,
  keysOf,
  start,
  tablesOf,
  type Folded,
  type Logged,
  type Write,
} from './sim/fold.js';
export { IdSet } from './sim/id-set.js';
export { SimError, SimRuleError, type SimErrorCode } from './sim/errors.js';

// The domain definition API, and the domains --domain names.
export {
  defineDomain,
  DomainRefusal,
  type AnyDomain,
  type DomainDefinition,
  type DomainEventBase,
  type DrawTools,
  type EventType,
  type Dataset,
  type Invariant,
  type Key,
  type Row,
  type RowRef,
  type TableSpec,
  type Tables,
} from './sim/domain.js';
export { BUILT_IN_DOMAINS, DEFAULT_DOMAIN, loadDomain } from './domains/index.js';
export { clinic } from './domains/clinic/domain.js';
export { retail } from './domains/retail/domain.js';
export type { RetailState, Snapshot } from './domains/retail/state.js';

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
export { countsForScale, createRows, type Rows, type Counts } from './generate/generate.js';
export { generateDataset, type GenerateOptions } from './generate/write.js';
