export {
  AgentDBSpanExporter,
  type AgentDBSpanExporterOptions,
  type ImportTarget,
  type RunChoice,
} from './agentdb-span-exporter.js';
export {
  type ExportRunOptions,
  type ExportRunResult,
  type ExportSource,
  exportRun,
  type RunSpansOptions,
  runSpans,
} from './run-spans.js';
export { otelTraceIdOf, spanIdOf } from './span-ids.js';
