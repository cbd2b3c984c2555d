import { z } from 'zod';
import { afterSchema, DEFAULT_PAGE, limitSchema, nextAfter, nextAfterSchema } from './paging.js';
import { defineTool } from './tool.js';
import { runIdSchema } from './wire-run.js';
import { valueFromWire, valueSchema, valueToWire } from './wire-value.js';
import { defineWriteOp } from './write-op.js';

const keySchema = z.string().min(1).describe('The key: 1–512 bytes of UTF-8');

/** `kv_get`: one value of a run's key-value memory. */
export const kvGet = defineTool({
  name: 'kv_get',
  title: 'Read a remembered value',
  description:
    "Reads one value from a run's key-value memory (scratch notes, tool results, caches). found is false when the key was never set, was deleted, or its TTL has passed.",
  input: { run_id: runIdSchema, key: keySchema },
  output: { found: z.boolean(), value: valueSchema('The value, when found').optional() },
  access: 'read',
  async run({ run_id, key }, { db }) {
    const value = await db.kv.get(run_id, key);
    return value === undefined ? { found: false } : { found: true, value: valueToWire(value) };
  },
  summary: (r, a) =>
    r.found ? `"${a.key}" in run ${a.run_id}:` : `"${a.key}" is not set in run ${a.run_id}`,
});

/** `kv_list`: a page of a run's keys, optionally with values. */
export const kvList = defineTool({
  name: 'kv_list',
  title: 'List remembered keys',
  description:
    "Lists a run's keys in ascending order, optionally only those starting with prefix, a page at a time (pass next_after back as after). With include_values, each entry carries its value.",
  input: {
    run_id: runIdSchema,
    prefix: z.string().optional().describe('Only keys starting with this'),
    limit: limitSchema,
    after: afterSchema.describe('Only keys after this one: pass the next_after of the previous page'),
    include_values: z.boolean().optional().describe('Return each value too (default false)'),
  },
  output: {
    entries: z.array(z.object({ key: z.string(), value: valueSchema('The value').optional() })),
    next_after: nextAfterSchema,
  },
  access: 'read',
  async run({ run_id, prefix, limit = DEFAULT_PAGE, after, include_values }, { db }) {
    const opts = {
      limit,
      ...(prefix === undefined ? {} : { prefix }),
      ...(after === undefined ? {} : { after }),
    };
    const entries = include_values
      ? (await db.kv.listWithValues(run_id, opts)).map((e) => ({ key: e.key, value: valueToWire(e.value) }))
      : (await db.kv.list(run_id, opts)).map((key) => ({ key }));
    return { entries, ...nextAfter(entries, limit, (e) => e.key) };
  },
  summary: (r, a) =>
    `${r.entries.length} key(s) in run ${a.run_id}${r.next_after === undefined ? '' : ' (more after)'}`,
});

/** `kv_put`: remember a value, optionally for a limited time. */
export const kvPut = defineWriteOp({
  name: 'kv_put',
  title: 'Remember a value',
  description:
    "Stores a value under a key in a run's key-value memory, replacing any previous value. With ttl_ms the entry expires that many milliseconds from now.",
  args: {
    key: keySchema,
    value: valueSchema('The value to store'),
    ttl_ms: z.number().int().positive().optional().describe('Expire after this many milliseconds'),
  },
  output: { key: z.string(), ttl_ms: z.number().optional() },
  destructive: true,
  idempotent: true,
  async apply(tx, { key, value, ttl_ms }) {
    await tx.kv.put(key, valueFromWire(value, 'value'), ttl_ms === undefined ? undefined : { ttlMs: ttl_ms });
    return () => ({ key, ...(ttl_ms === undefined ? {} : { ttl_ms }) });
  },
  summary: (r, run) =>
    `stored "${r.key}" in run ${run}${r.ttl_ms === undefined ? '' : ` for ${r.ttl_ms} ms`}`,
});

/** `kv_delete`: forget a key. */
export const kvDelete = defineWriteOp({
  name: 'kv_delete',
  title: 'Forget a value',
  description:
    "Deletes a key from a run's key-value memory. deleted is false when there was nothing live to delete.",
  args: { key: keySchema },
  output: { key: z.string(), deleted: z.boolean() },
  destructive: true,
  idempotent: true,
  async apply(tx, { key }) {
    const deleted = await tx.kv.delete(key);
    return () => ({ key, deleted });
  },
  summary: (r, run) =>
    r.deleted ? `deleted "${r.key}" from run ${run}` : `"${r.key}" was not set in run ${run}`,
});
