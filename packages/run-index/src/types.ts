import type { Value } from '@agentdb/core';

/** Where a run is in its lifecycle. */
export type RunStatus = 'active' | 'completed' | 'failed' | 'cancelled' | 'paused' | 'archived';

/** Every status, in the order the contract lists them. */
export const RUN_STATUSES: readonly RunStatus[] = [
  'active',
  'completed',
  'failed',
  'cancelled',
  'paused',
  'archived',
];

/** True when `s` is one of the six statuses. @example isRunStatus('active') // true */
export function isRunStatus(s: unknown): s is RunStatus {
  return typeof s === 'string' && (RUN_STATUSES as readonly string[]).includes(s);
}

/** A run as the index stores it. Optional fields are absent (never `undefined`) when unset. */
export interface RunMetadata {
  runId: string;
  name?: string;
  parentRunId?: string;
  status: RunStatus;
  /** Integer ms from the database clock, set once by `createRun`. */
  createdAt: number;
  /** Set by every change that writes the record. */
  updatedAt: number;
  /** Set on entering completed, failed or cancelled (and kept afterwards, e.g. when archived). */
  completedAt?: number;
  /** Distinct tags in the order they were first added. */
  tags: string[];
  metadata: Value;
  /** The error recorded by `failRun` / `updateStatus(id, 'failed', { error })`. */
  error?: string;
}

/** Options of `createRun`. */
export interface CreateRunOptions {
  /** Default: a new random id (`newId()`). ALREADY_EXISTS if a run with this id exists. */
  runId?: string;
  /** A label for people: 1–512 UTF-8 bytes. */
  name?: string;
  /** An existing run (NOT_FOUND otherwise); the new run becomes its child. Fixed for life. */
  parentRunId?: string;
  /** Strings of 1–512 UTF-8 bytes; duplicates are dropped (first occurrence kept). */
  tags?: readonly string[];
  /** Any Value; default `{}`. */
  metadata?: Value;
}

/** Options of `restoreRun`. */
export interface RestoreRunOptions {
  /** Overwrite an existing record of the same run. Default false. */
  replace?: boolean;
}

/** Options of `updateStatus`. */
export interface UpdateStatusOptions {
  /** Recorded on the run; only with status `failed`. */
  error?: string;
}

/** Options of `deleteRun`. */
export interface DeleteRunOptions {
  /** Also delete every descendant run. Without it a run with children is refused (INVALID_ARGUMENT). */
  recursive?: boolean;
}

/**
 * A `queryRuns` filter. Every given field must match (AND). Results are ordered by (createdAt, runId)
 * ascending.
 */
export interface RunQuery {
  status?: RunStatus;
  tag?: string;
  parentRunId?: string;
  /** Only runs created strictly after this time (integer ms). */
  createdAfter?: number;
  /** Only runs created strictly before this time (integer ms). */
  createdBefore?: number;
  /** At most this many runs (a positive integer). Default: all. */
  limit?: number;
  /**
   * Resume after this run: pass the last run of the previous page (only its `createdAt` and `runId`
   * are used). The next page starts strictly after it, even if that run has since been deleted.
   */
  after?: Pick<RunMetadata, 'createdAt' | 'runId'>;
}
