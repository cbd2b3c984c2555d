import { z } from 'zod';
import { defineTool, type Tool } from './tool.js';
import { runIdSchema } from './wire-run.js';
import { applyOperations, type Operation, type WriteOp } from './write-op.js';

/** The most operations one `transaction` call may apply. */
export const MAX_OPERATIONS = 1000;

/** A non-empty list, as zod's discriminated union wants its options. */
function nonEmpty<T>(items: readonly T[]): [T, ...T[]] {
  const [first, ...rest] = items;
  if (first === undefined) throw new Error('a transaction tool needs at least one operation');
  return [first, ...rest];
}

/**
 * `transaction`: any list of the write operations `ops`, applied to one run atomically. Each item is
 * `{ op: "<tool name>", …that tool's arguments without run_id }`; results come back in the same order.
 *
 * @example
 * const transaction = defineTransactionTool([kvPut, stateCas, eventsAppend]);
 */
export function defineTransactionTool(ops: readonly WriteOp[]): Tool {
  const byName = new Map(ops.map((op) => [op.name, op]));
  const names = ops.map((op) => op.name);
  return defineTool({
    name: 'transaction',
    title: 'Apply several writes atomically',
    description:
      `Applies a list of writes to one run in a single serializable transaction: all of them or none. Each operation is {"op": <name>, …the arguments of the tool of that name, without run_id}; op is one of ${names.join(', ')}. ` +
      'Use it for a consistent multi-step update, e.g. state_cas a phase, kv_put the plan and events_append what was decided, together. ' +
      'If any operation fails (VERSION_MISMATCH, INVALID_TRANSITION, …) nothing is written and the error names the operation (operation_index). Results come back in order.',
    input: {
      run_id: runIdSchema,
      operations: z
        .array(z.discriminatedUnion('op', nonEmpty(ops.map((op) => op.operationSchema))))
        .min(1)
        .max(MAX_OPERATIONS)
        .describe(`1–${MAX_OPERATIONS} writes, applied in order`),
    },
    output: { results: z.array(z.discriminatedUnion('op', nonEmpty(ops.map((op) => op.resultSchema)))) },
    access: 'write',
    destructive: true,
    async run({ run_id, operations }, ctx) {
      const list: Operation[] = operations.map(({ op, ...args }) => {
        // The schema admits only the names in `byName`.
        return { op: byName.get(op as string)!, args };
      });
      const results = await applyOperations(ctx, run_id, list, true);
      return { results: results.map((result, i) => ({ op: list[i]!.op.name, ...result })) };
    },
    summary: (r, a) =>
      `committed ${r.results.length} operation(s) to run ${a.run_id} atomically: ${r.results.map((x) => x.op).join(', ')}`,
  });
}
