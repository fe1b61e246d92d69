export { PARTS, USAGE, parseBenchArgs, type BenchArgs, type Part } from './args.js';
export { BenchError, CommandError, MeasureError, UsageError } from './errors.js';
export {
  logRecordOf,
  parseLoadOutput,
  parseSimRunSummary,
  parseSimSpeedOutput,
  parseStackUpOutput,
  parseValidateOutput,
  processTreeRssKb,
  pssKbOf,
  readyEventOf,
} from './parse.js';
export { groupJobs, jobKind, parseBatches } from './adapters/spark-job.js';
export { keepReport, previousReport } from './history.js';
export { percentile, summarize, type Summary } from './stats.js';
export { judgeStep, SUSTAIN_RULE, type StepInput, type StepVerdict } from './sustain.js';
export {
  cell,
  markdownTable,
  renderReport,
  type Figure,
  type PartResult,
  type Report,
} from './table.js';
export { main } from './main.js';
export { parseSoakArgs, SOAK_USAGE, type SoakArgs } from './soak/args.js';
export { benchPlot } from './plot.js';
export { overRun } from './charts.js';
