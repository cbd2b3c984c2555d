import { randomBytes } from 'node:crypto';
import type { Clock } from '@agentdb/core';
import { inject } from 'vitest';
import { PostgresDatabase, type PostgresOptions } from '../../src/index.js';

/** A schema name no other test uses. */
export function freshSchema(): string {
  return `t_${randomBytes(6).toString('hex')}`;
}

/**
 * Opens an engine on the test run's server, in a fresh schema, with no background sweeper.
 *
 * @example
 * const db = await openEngine({ clock });
 */
export function openEngine(
  opts: Omit<PostgresOptions, 'connectionString'> & { clock?: Clock } = {},
): Promise<PostgresDatabase> {
  return PostgresDatabase.open({
    connectionString: inject('pgUrl'),
    schema: freshSchema(),
    sweepIntervalMs: 0,
    ...opts,
  });
}
