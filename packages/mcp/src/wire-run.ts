import { RUN_STATUSES, type RunMetadata, type RunStatus } from '@agentdb/primitives';
import { z } from 'zod';
import type { TypedJson } from './typed-json.js';
import { valueSchema, valueToWire } from './wire-value.js';

/** A run id argument: the alphabet AgentDB accepts, said in the schema so a model gets it right. */
export const runIdSchema = z
  .string()
  .regex(/^[A-Za-z0-9_-]{1,64}$/, { error: 'use 1–64 characters from A–Z, a–z, 0–9, "_" and "-"' })
  .describe('The run: 1–64 characters of A–Z a–z 0–9 _ -. Everything an agent stores lives in one run.');

/** A run status argument. */
export const runStatusSchema = z
  .enum(RUN_STATUSES as readonly [RunStatus, ...RunStatus[]])
  .describe(
    'active → any status; paused → active, cancelled or archived; completed, failed or cancelled → archived; archived is final',
  );

/** Tags argument (runs and traces). */
export const tagsSchema = z.array(z.string()).describe('Labels to find it by later (1–512 bytes each)');

/** A run as tools return it. */
export const runSchema = z.object({
  run_id: z.string(),
  name: z.string().optional(),
  parent_run_id: z.string().optional(),
  status: z.enum(RUN_STATUSES as readonly [RunStatus, ...RunStatus[]]),
  created_at: z.number().describe('ms since the epoch'),
  updated_at: z.number().describe('ms since the epoch'),
  completed_at: z.number().optional().describe('ms since the epoch; set on completed, failed or cancelled'),
  tags: z.array(z.string()),
  metadata: valueSchema('What the run was created with'),
  error: z.string().optional().describe('Why the run failed'),
});

/** The wire form of `runSchema`. */
export type WireRun = z.infer<typeof runSchema> & { metadata: TypedJson };

/**
 * A run record in snake_case with its metadata in typed JSON; unset fields are left out.
 *
 * @example
 * runToWire(await db.runs.createRun({ name: 'triage' })); // { run_id: '…', status: 'active', … }
 */
export function runToWire(run: RunMetadata): WireRun {
  return {
    run_id: run.runId,
    ...(run.name === undefined ? {} : { name: run.name }),
    ...(run.parentRunId === undefined ? {} : { parent_run_id: run.parentRunId }),
    status: run.status,
    created_at: run.createdAt,
    updated_at: run.updatedAt,
    ...(run.completedAt === undefined ? {} : { completed_at: run.completedAt }),
    tags: run.tags,
    metadata: valueToWire(run.metadata),
    ...(run.error === undefined ? {} : { error: run.error }),
  };
}
