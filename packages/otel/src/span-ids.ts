import { createHash } from 'node:crypto';

/**
 * Deterministic OpenTelemetry ids for AgentDB data, so exporting a run twice gives the same ids (backends
 * deduplicate) and a span can name its parent without a lookup. SHA-256 spreads them like random ids.
 */

function hexDigest(input: string, hexChars: number): string {
  const hex = createHash('sha256').update(input).digest('hex').slice(0, hexChars);
  // An all-zero id is invalid in OpenTelemetry; SHA-256 will not produce one, but the rule is cheap.
  return /^0+$/.test(hex) ? `${hex.slice(0, -1)}1` : hex;
}

/**
 * The OTel trace id (32 hex) of a run: one per run.
 *
 * @example
 * otelTraceIdOf('triage-1'); // 32 lowercase hex characters, always the same for this run
 */
export function otelTraceIdOf(runId: string): string {
  return hexDigest(`agentdb-run\u0000${runId}`, 32);
}

/**
 * The OTel span id (16 hex) of trace `traceId` of run `runId`.
 *
 * @example
 * spanIdOf('triage-1', '01-plan'); // 16 lowercase hex characters
 */
export function spanIdOf(runId: string, traceId: string): string {
  return hexDigest(`agentdb-trace\u0000${runId}\u0000${traceId}`, 16);
}
