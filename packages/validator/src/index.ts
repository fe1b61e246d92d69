export {
  createDecoder,
  jsonReplacer,
  type Change,
  type Decoded,
  type Decoder,
  type RawRecord,
  type SchemaSource,
} from './avro/decoder.js';
export { debeziumTypeHook, bigIntLong } from './avro/debezium-types.js';
export {
  decimalFromBytes,
  decimalToBytes,
  dateFromDays,
  timestampFromEpoch,
} from './avro/decimal.js';
export { createRegistry } from './adapters/registry.js';
export { createKafka, listCdcTopics } from './adapters/kafka.js';
export { consumeChanges, type ConsumeOptions, type ConsumeResult } from './consume.js';
export { ValidatorError, DecodeError, RegistryError, UsageError, ConfigError } from './errors.js';
export {
  createTopology,
  type Rule,
  type Topology,
  type TopologyOptions,
} from './validate/topology.js';
export {
  aggregateByKey,
  createStateStore,
  keyBy,
  routeViolations,
  type Keyed,
  type Processor,
  type Routed,
  type StateStore,
} from './streams/operators.js';
export type { Violation } from './checks/violations.js';
