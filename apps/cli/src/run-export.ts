import {
  compareKeys,
  type EncodedKey,
  isRunStatus,
  RUN_RECORD_FIELDS,
  type RunMetadata,
  runRange,
  type Value,
  validateRunId,
} from '@agentdb/primitives';
import { CliError } from './errors.js';
import { fromTypedJson, toTypedJson } from './typed-json.js';

/**
 * The JSON Lines format of `agentdb export` / `import`: one run with all its data, byte-exact keys
 * and lossless values (typed-json.ts). Lines, in order:
 *
 *   {"type":"header","format":"agentdb-run","version":1,"runId":"…","exportedAt":"…"}
 *   {"type":"run","record":{…}}                                   (absent for a run without a record)
 *   {"type":"entry","key":"<base64 key bytes>","value":…,"expiresAt":1700000000000}   (one per key)
 *   {"type":"end","entries":<number of entry lines>}
 *
 * Keys are the stored bytes, so every primitive's records and indices (and extension TypeTags) move
 * unchanged; `expiresAt` (absolute ms) is present only for entries with a TTL. The `end` line makes a
 * truncated file an error instead of a partial import.
 */
export const EXPORT_FORMAT = 'agentdb-run';
export const EXPORT_VERSION = 1;

/** One stored entry of a run. */
export interface ExportedEntry {
  key: EncodedKey;
  value: Value;
  expiresAt?: number;
}

/** A run as it travels between databases. */
export interface RunExport {
  runId: string;
  record: RunMetadata | undefined;
  entries: ExportedEntry[];
}

/**
 * The lines of a run's export (each without its newline).
 *
 * @example
 * for (const line of encodeRunExport(run, Date.now())) process.stdout.write(`${line}\n`);
 */
export function* encodeRunExport(run: RunExport, exportedAt: number): Generator<string> {
  yield JSON.stringify({
    type: 'header',
    format: EXPORT_FORMAT,
    version: EXPORT_VERSION,
    runId: run.runId,
    exportedAt: new Date(exportedAt).toISOString(),
  });
  if (run.record !== undefined) {
    yield JSON.stringify({ type: 'run', record: toTypedJson(run.record as unknown as Value) });
  }
  for (const e of run.entries) {
    const line: Record<string, unknown> = {
      type: 'entry',
      key: Buffer.from(e.key).toString('base64'),
      value: toTypedJson(e.value),
    };
    if (e.expiresAt !== undefined) line.expiresAt = e.expiresAt;
    yield JSON.stringify(line);
  }
  yield JSON.stringify({ type: 'end', entries: run.entries.length });
}

/**
 * Reads and checks a whole export before anything is written: the header, the record, every key
 * inside the run's own key range, no duplicate keys, and the `end` line's count. Throws a `CliError`
 * naming the line.
 *
 * @example
 * const run = await decodeRunExport(readLines(process.stdin));
 */
export async function decodeRunExport(lines: AsyncIterable<string>): Promise<RunExport> {
  let runId: string | undefined;
  let record: RunMetadata | undefined;
  const entries: ExportedEntry[] = [];
  const seen = new Set<string>();
  let ended = false;
  let n = 0;
  for await (const text of lines) {
    n++;
    if (text.trim() === '') continue;
    const fail = (what: string): never => {
      throw new CliError(`import: line ${n}: ${what}`);
    };
    if (ended) fail('data after the "end" line');
    let line: Record<string, unknown>;
    try {
      const parsed: unknown = JSON.parse(text);
      if (parsed === null || typeof parsed !== 'object' || Array.isArray(parsed))
        throw new Error('not an object');
      line = parsed as Record<string, unknown>;
    } catch (error) {
      return fail(`not a JSON object (${(error as Error).message})`);
    }
    if (runId === undefined) {
      if (line.type !== 'header' || line.format !== EXPORT_FORMAT) {
        fail(`expected the header of an "agentdb export" ({"type":"header","format":"${EXPORT_FORMAT}",…})`);
      }
      if (line.version !== EXPORT_VERSION) fail(`unsupported export version ${String(line.version)}`);
      try {
        validateRunId(line.runId);
      } catch (error) {
        fail((error as Error).message);
      }
      runId = line.runId as string;
      continue;
    }
    try {
      switch (line.type) {
        case 'run':
          if (record !== undefined || entries.length > 0)
            fail('the "run" line must come right after the header');
          record = parseRecord(runId, fromTypedJson(line.record, 'record'));
          break;
        case 'entry': {
          const entry = parseEntry(runId, line);
          const id = Buffer.from(entry.key).toString('latin1');
          if (seen.has(id)) fail('duplicate key');
          seen.add(id);
          entries.push(entry);
          break;
        }
        case 'end':
          if (line.entries !== entries.length)
            fail(`the "end" line counts ${String(line.entries)} entries, the file holds ${entries.length}`);
          ended = true;
          break;
        default:
          fail(`unknown line type ${JSON.stringify(line.type)}`);
      }
    } catch (error) {
      if (error instanceof CliError) throw error;
      fail((error as Error).message);
    }
  }
  if (runId === undefined) throw new CliError('import: the input is empty (expected an "agentdb export")');
  if (!ended) throw new CliError('import: the input ends without its "end" line (truncated?)');
  return { runId, record, entries };
}

function parseEntry(runId: string, line: Record<string, unknown>): ExportedEntry {
  if (typeof line.key !== 'string' || !/^[A-Za-z0-9+/]+={0,2}$/.test(line.key))
    throw new Error('key must be base64');
  const key = new Uint8Array(Buffer.from(line.key, 'base64'));
  const range = runRange(runId);
  // A file can only write inside its own run: never another run's data or the run index.
  if (compareKeys(key, range.start) < 0 || compareKeys(key, range.end) >= 0)
    throw new Error(`key is outside run "${runId}"`);
  if (!('value' in line)) throw new Error('entry has no value');
  const entry: ExportedEntry = { key, value: fromTypedJson(line.value, 'value') };
  if (line.expiresAt !== undefined) {
    if (!Number.isSafeInteger(line.expiresAt)) throw new Error('expiresAt must be an integer (ms)');
    entry.expiresAt = line.expiresAt as number;
  }
  return entry;
}

/** Checks an exported run record with the run index's own rules for a stored record. */
function parseRecord(runId: string, value: Value): RunMetadata {
  if (
    value === null ||
    typeof value !== 'object' ||
    Array.isArray(value) ||
    value instanceof Uint8Array ||
    value instanceof Date
  )
    throw new Error('record must be an object');
  const r = value as { [k: string]: Value | undefined };
  const allowed = new Set<string>(RUN_RECORD_FIELDS);
  for (const k of Object.keys(r)) if (!allowed.has(k)) throw new Error(`record has an unknown field "${k}"`);
  if (r.runId !== runId) throw new Error(`record.runId is not "${runId}"`);
  if (!isRunStatus(r.status)) throw new Error('record.status is not a run status');
  const int = (k: string) => r[k] === undefined || Number.isSafeInteger(r[k]);
  if (!Number.isSafeInteger(r.createdAt) || !Number.isSafeInteger(r.updatedAt) || !int('completedAt'))
    throw new Error('record timestamps must be integers (ms)');
  if (!Array.isArray(r.tags) || !r.tags.every((t) => typeof t === 'string'))
    throw new Error('record.tags must be strings');
  if (r.metadata === undefined) throw new Error('record.metadata is missing');
  for (const k of ['name', 'parentRunId', 'error'])
    if (r[k] !== undefined && typeof r[k] !== 'string') throw new Error(`record.${k} must be a string`);
  if (r.parentRunId !== undefined) validateRunId(r.parentRunId);
  return r as unknown as RunMetadata;
}
