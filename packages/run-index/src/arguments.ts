import {
  AgentDBError,
  checkBoolean,
  checkId,
  checkKnownName,
  checkPositiveInt,
  checkOptions as coreCheckOptions,
  describe,
  invalidArgument,
  plainCopy,
  snapshotValue,
  type Value,
  validateKeyString,
} from '@agentdb/core';
import { fromRecord } from './layout.js';
import {
  type CreateRunOptions,
  type DeleteRunOptions,
  isRunStatus,
  type RestoreRunOptions,
  RUN_STATUSES,
  type RunMetadata,
  type RunQuery,
  type RunStatus,
  type UpdateStatusOptions,
} from './types.js';

/*
 * Argument checks of the run index, through the kit of @agentdb/core — each reads its input once and
 * throws before anything is read or written — and the lifecycle's transition table, which decides
 * whether a status change is allowed.
 */

/**
 * Reads an options object once and refuses unknown names, with the closest known one suggested (the
 * shared `checkOptions` of `@agentdb/core`); `what` names the method (`createRun`).
 */
export function checkOptions<T extends object>(
  opts: unknown,
  allowed: readonly (keyof T & string)[],
  what: string,
): { readonly [K in keyof T]?: unknown } {
  return coreCheckOptions(opts, allowed, what) as { readonly [K in keyof T]?: unknown };
}

/** Checks a tag list and returns it without duplicates (first occurrence kept, order preserved). */
export function checkTags(tags: unknown, what = 'tags'): string[] {
  if (!Array.isArray(tags))
    throw invalidArgument(`${what} must be an array of strings, got ${describe(tags)}`);
  const out = new Set<string>();
  for (let i = 0; i < tags.length; i++) {
    const tag: unknown = tags[i]; // read once: the tag checked is the tag stored
    validateKeyString(tag, `${what}[${i}]`);
    out.add(tag);
  }
  return [...out];
}

/** `createRun` options after checking: a plain copy, read once. */
export type CheckedCreateOptions = Omit<CreateRunOptions, 'tags' | 'metadata'> & {
  tags: string[];
  metadata: Value;
};

/** Checks `createRun` options (all of them, before anything is read or written). */
export function checkCreateOptions(opts: unknown, allowRunId: boolean): CheckedCreateOptions {
  const allowed: (keyof CreateRunOptions)[] = ['name', 'parentRunId', 'tags', 'metadata'];
  if (allowRunId) allowed.push('runId');
  const o = checkOptions<CreateRunOptions>(opts, allowed, 'createRun');
  const out: CheckedCreateOptions = {
    tags: o.tags === undefined ? [] : checkTags(o.tags),
    metadata: o.metadata === undefined ? {} : checkMetadata(o.metadata),
  };
  if (o.runId !== undefined) out.runId = checkId(o.runId, 'run id');
  if (o.name !== undefined) {
    validateKeyString(o.name, 'name');
    out.name = o.name;
  }
  if (o.parentRunId !== undefined) out.parentRunId = checkId(o.parentRunId, 'run id');
  return out;
}

/** Every field a run record may have (`restoreRun` refuses any other). */
export const RUN_RECORD_FIELDS: readonly (keyof RunMetadata)[] = [
  'runId',
  'name',
  'parentRunId',
  'status',
  'createdAt',
  'updatedAt',
  'completedAt',
  'tags',
  'metadata',
  'error',
];

/**
 * Checks a whole run record handed to `restoreRun`, read once into a plain copy: known fields only
 * (a misspelt `parentRunID` would silently detach the run), the stored shape, a valid run id, tags and
 * metadata as `createRun` would accept them, and optional fields of the right types. Returns the copy.
 */
export function checkRunRecord(record: unknown): RunMetadata {
  if (record === null || typeof record !== 'object')
    throw invalidArgument('restoreRun needs a run record object');
  const r = plainCopy(record, 'the run record');
  for (const name of Object.keys(r)) checkKnownName(name, RUN_RECORD_FIELDS, 'run record');
  const runId = checkId(r.runId, 'run id');
  const copy: Record<string, unknown> = {
    ...r,
    tags: checkTags(r.tags),
    metadata: checkMetadata(r.metadata),
  };
  for (const field of ['name', 'parentRunId', 'error', 'completedAt'] as const) {
    if (copy[field] === undefined) delete copy[field]; // absent, as the index stores it
  }
  const run = fromRecord(runId, copy as Value, 'INVALID_ARGUMENT');
  for (const field of ['name', 'parentRunId', 'error'] as const) {
    const v = copy[field];
    if (v !== undefined && typeof v !== 'string') throw invalidArgument(`record.${field} must be a string`);
  }
  if (run.parentRunId !== undefined) checkId(run.parentRunId, 'run id');
  for (const t of [run.createdAt, run.updatedAt, copy.completedAt]) {
    if (t !== undefined && (typeof t !== 'number' || !Number.isSafeInteger(t) || t < 0))
      throw invalidArgument('record timestamps must be integer ms');
  }
  return run;
}

/** Checks a metadata value (INVALID_VALUE naming the offending path); returns the copy to store. */
export function checkMetadata(metadata: unknown): Value {
  return snapshotValue(metadata, { name: 'metadata' });
}

/** Checks an error message for a failed run. */
export function checkError(error: unknown): string {
  if (typeof error !== 'string') throw invalidArgument(`error must be a string, got ${describe(error)}`);
  return error;
}

/** Checks `updateStatus` arguments. */
export function checkStatusUpdate(status: unknown, opts: unknown): { status: RunStatus; error?: string } {
  assertRunStatus(status);
  const o = checkOptions<UpdateStatusOptions>(opts, ['error'], 'updateStatus');
  if (o.error === undefined) return { status };
  if (status !== 'failed')
    throw invalidArgument(`an error can only be recorded with status failed, not ${status}`);
  return { status, error: checkError(o.error) };
}

/** Checks `deleteRun` options. */
export function checkDeleteOptions(opts: unknown): { recursive: boolean } {
  const o = checkOptions<DeleteRunOptions>(opts, ['recursive'], 'deleteRun');
  return { recursive: o.recursive === undefined ? false : checkBoolean(o.recursive, 'recursive') };
}

/** Checks `restoreRun` options. */
export function checkRestoreOptions(opts: unknown): { replace: boolean } {
  const o = checkOptions<RestoreRunOptions>(opts, ['replace'], 'restoreRun');
  return { replace: o.replace === undefined ? false : checkBoolean(o.replace, 'replace') };
}

function checkTime(t: unknown, what: string): number {
  if (typeof t !== 'number' || !Number.isSafeInteger(t))
    throw invalidArgument(`${what} must be integer milliseconds, got ${describe(t)}`);
  return t;
}

/** Checks a `queryRuns` filter; returns a plain copy, each field read once. */
export function checkQuery(q: unknown): RunQuery {
  const o = checkOptions<RunQuery>(
    q,
    ['status', 'tag', 'parentRunId', 'createdAfter', 'createdBefore', 'limit', 'after'],
    'queryRuns',
  );
  const out: RunQuery = {};
  if (o.status !== undefined) {
    assertRunStatus(o.status, 'query status');
    out.status = o.status;
  }
  if (o.tag !== undefined) {
    validateKeyString(o.tag, 'query tag');
    out.tag = o.tag;
  }
  if (o.parentRunId !== undefined) out.parentRunId = checkId(o.parentRunId, 'run id');
  if (o.createdAfter !== undefined) out.createdAfter = checkTime(o.createdAfter, 'createdAfter');
  if (o.createdBefore !== undefined) out.createdBefore = checkTime(o.createdBefore, 'createdBefore');
  if (o.limit !== undefined) out.limit = checkPositiveInt(o.limit, 'limit');
  if (o.after !== undefined) {
    const a = o.after;
    if (a === null || typeof a !== 'object') {
      throw invalidArgument(
        `after must be the last run of the previous page ({ createdAt, runId }), got ${describe(a)}`,
      );
    }
    // Only these two fields of the previous page's last run are used; each is read once.
    const { createdAt, runId } = a as { createdAt?: unknown; runId?: unknown };
    out.after = { createdAt: checkTime(createdAt, 'after.createdAt'), runId: checkId(runId, 'run id') };
  }
  return out;
}

// ─── The lifecycle ──────────────────────────────────────────────────────────────────────────────

/** Statuses that end the work of a run: entering one stamps `completedAt`. */
export const FINISHED_STATUSES: readonly RunStatus[] = ['completed', 'failed', 'cancelled'];

// The documented transition table (docs/architecture.md, the run-index README), as data: anything not listed is INVALID_TRANSITION.
const ALLOWED: Readonly<Record<RunStatus, readonly RunStatus[]>> = {
  active: RUN_STATUSES,
  paused: ['active', 'cancelled', 'archived'],
  completed: ['archived'],
  failed: ['archived'],
  cancelled: ['archived'],
  archived: [],
};

/**
 * Whether a run may move from `from` to `to`: `active → any` (active → active is a no-op),
 * `paused → active | cancelled | archived`, `completed | failed | cancelled → archived`; `archived`
 * is terminal. Pure; unknown statuses are never valid.
 *
 * @example
 * isValidTransition('paused', 'active');    // true
 * isValidTransition('completed', 'active'); // false
 */
export function isValidTransition(from: RunStatus, to: RunStatus): boolean {
  if (!isRunStatus(from) || !isRunStatus(to)) return false;
  return ALLOWED[from].includes(to);
}

/** Throws `INVALID_ARGUMENT` unless `status` is a RunStatus. */
export function assertRunStatus(status: unknown, what = 'status'): asserts status is RunStatus {
  if (!isRunStatus(status)) {
    throw invalidArgument(`${what} must be one of ${RUN_STATUSES.join(', ')}; got ${describe(status)}`);
  }
}

/** Throws `INVALID_TRANSITION` (with `from`/`to`) unless the move is allowed. */
export function assertTransition(runId: string, from: RunStatus, to: RunStatus): void {
  if (!isValidTransition(from, to)) {
    throw new AgentDBError(
      'INVALID_TRANSITION',
      `run "${runId}" cannot go from ${from} to ${to}` +
        (from === 'archived' ? ' (archived is terminal)' : ` (from ${from}: ${ALLOWED[from].join(', ')})`),
      { from, to },
    );
  }
}
