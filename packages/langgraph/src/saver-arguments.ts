import { describe, invalidArgument } from '@agentdb/primitives';
import type { RunnableConfig } from '@langchain/core/runnables';
import type { Checkpoint, CheckpointListOptions } from '@langchain/langgraph-checkpoint';
import { checkId, checkNamespace, readAddress } from './checkpoint-config.js';

/*
 * Argument checks of the saver's `put` and `list`: each throws INVALID_ARGUMENT naming the method and
 * the argument before anything is read or written.
 */

/** Checks the checkpoint `put` is given (its id becomes a key; its maps are read back). */
export function checkCheckpoint(checkpoint: unknown): asserts checkpoint is Checkpoint {
  if (checkpoint === null || typeof checkpoint !== 'object') {
    throw invalidArgument(`put: checkpoint must be an object, got ${describe(checkpoint)}`);
  }
  const c = checkpoint as Partial<Checkpoint>;
  checkId(c.id, 'checkpoint.id', 'put');
  for (const field of ['channel_values', 'channel_versions'] as const) {
    const v = c[field];
    if (v === null || typeof v !== 'object' || Array.isArray(v)) {
      throw invalidArgument(`put: checkpoint.${field} must be an object, got ${describe(v)}`);
    }
  }
}

/** `newVersions` as `[channel, version]` pairs, each a valid key. */
export function checkVersions(newVersions: unknown): [string, string | number][] {
  if (newVersions === undefined) return [];
  if (newVersions === null || typeof newVersions !== 'object' || Array.isArray(newVersions)) {
    throw invalidArgument(`put: newVersions must be an object, got ${describe(newVersions)}`);
  }
  return Object.entries(newVersions).map(([channel, version]) => {
    checkId(channel, 'a channel name in newVersions', 'put');
    if (typeof version === 'string') checkId(version, `the version of channel ${channel}`, 'put');
    else if (typeof version !== 'number' || !Number.isFinite(version)) {
      throw invalidArgument(
        `put: the version of channel ${channel} must be a number or a string, got ${describe(version)}`,
      );
    }
    return [channel, version];
  });
}

/** What `list` was asked for, checked. */
export interface ListQuery {
  threadId: string | undefined;
  /** `undefined`: every namespace. */
  ns: string | undefined;
  checkpointId: string | undefined;
  before: string | undefined;
  filter: Record<string, unknown> | undefined;
  limit: number | undefined;
}

export function readListQuery(config: RunnableConfig, options: CheckpointListOptions | undefined): ListQuery {
  const address = readAddress(config, 'list');
  const rawNs = (config?.configurable as { checkpoint_ns?: unknown } | undefined)?.checkpoint_ns;
  const ns = rawNs === undefined || rawNs === null ? undefined : checkNamespace(rawNs, 'list');
  if (options !== undefined && (options === null || typeof options !== 'object')) {
    throw invalidArgument(`list: options must be an object, got ${describe(options)}`);
  }
  const { limit, before, filter } = options ?? {};
  if (limit !== undefined && (!Number.isSafeInteger(limit) || limit < 0)) {
    throw invalidArgument(`list: limit must be a non-negative integer, got ${describe(limit)}`);
  }
  if (filter !== undefined && (filter === null || typeof filter !== 'object' || Array.isArray(filter))) {
    throw invalidArgument(`list: filter must be an object, got ${describe(filter)}`);
  }
  const beforeId = before === undefined ? undefined : readAddressId(before);
  return {
    threadId: address?.threadId,
    ns,
    checkpointId: address?.checkpointId,
    before: beforeId,
    filter,
    limit,
  };
}

function readAddressId(before: RunnableConfig): string | undefined {
  const id = (before?.configurable as { checkpoint_id?: unknown } | undefined)?.checkpoint_id;
  return id === undefined || id === null || id === ''
    ? undefined
    : checkId(id, 'before.checkpoint_id', 'list');
}
