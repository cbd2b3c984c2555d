import type { AgentTransaction } from '@agentdb/primitives';
import { z } from 'zod';
import { type ArgsOf, defineTool, type ResultOf, type Tool, type ToolContext } from './tool.js';
import { type FailedOperation, OperationFailure } from './tool-error.js';
import { runIdSchema } from './wire-run.js';

/**
 * How to read an operation's result once its transaction has committed: an event's sequence and hash,
 * for one, exist only then.
 */
export type AfterCommit<T> = () => T | PromiseLike<T>;

/** Everything that defines one write: it is both a tool of its own and an operation of `transaction`. */
export interface WriteOpSpec<A extends z.ZodRawShape, O extends z.ZodRawShape> {
  /** The tool name, also the `op` of a transaction operation. */
  name: string;
  title: string;
  description: string;
  /** The arguments besides `run_id` (the run comes from the tool call or the transaction). */
  args: A;
  output: O;
  destructive?: boolean;
  idempotent?: boolean;
  /** The tool's `run_id` may be left out: a fresh id inside the server's scope is used (runs_create). */
  optionalRunId?: boolean;
  /**
   * Applies the write inside `tx` (bound to the run). It may run more than once when the transaction
   * retries, so it must not touch anything outside `tx`.
   */
  apply(tx: AgentTransaction, args: ArgsOf<A>, ctx: ToolContext): Promise<AfterCommit<ResultOf<O>>>;
  /** One line saying what happened. */
  summary(result: ResultOf<O>, runId: string): string;
}

/** A write operation with its types erased, as `transaction` holds a list of them. */
export interface WriteOp {
  readonly name: string;
  /** The operation as an item of `transaction`'s `operations`: `{ op: name, …args }`. */
  readonly operationSchema: z.ZodObject;
  /** Its result as an item of `transaction`'s `results`: `{ op: name, …result }`. */
  readonly resultSchema: z.ZodObject;
  /** The write as a tool of its own: `{ run_id, …args }`. */
  readonly tool: Tool;
  apply(tx: AgentTransaction, args: Record<string, unknown>, ctx: ToolContext): Promise<AfterCommit<object>>;
}

/** One operation of a transaction and its arguments (without `op`). */
export interface Operation {
  op: WriteOp;
  args: Record<string, unknown>;
}

/**
 * Applies `operations` to `runId` in one AgentDB transaction — all of them or none — and returns their
 * results in order. With `locate`, an error thrown by an operation is wrapped in `OperationFailure`
 * naming it; an error at commit (an event's `expected_sequence`, a lost conflict) names none.
 *
 * @example
 * const [result] = await applyOperations(ctx, 'run-1', [{ op: kvPut, args: { key: 'k', value: 1 } }], false);
 */
export async function applyOperations(
  ctx: ToolContext,
  runId: string,
  operations: readonly Operation[],
  locate: boolean,
): Promise<object[]> {
  let after: AfterCommit<object>[] = [];
  let current: FailedOperation | undefined;
  try {
    await ctx.db.transaction(runId, async (tx) => {
      // A retry runs this again from the start on a fresh snapshot.
      after = [];
      for (const [index, { op, args }] of operations.entries()) {
        current = { index, name: op.name };
        after.push(await op.apply(tx, args, ctx));
      }
      current = undefined;
    });
  } catch (error) {
    throw locate && current !== undefined ? new OperationFailure(error, current) : error;
  }
  return Promise.all(after.map((read) => read()));
}

/**
 * A write operation from its spec: the tool `name` (`{ run_id, …args }`, one transaction) and the
 * `transaction` operation `{ op: name, …args }`, sharing one implementation.
 *
 * @example
 * const kvDelete = defineWriteOp({
 *   name: 'kv_delete',
 *   title: 'Forget a value',
 *   description: "Deletes a key from a run's key-value memory.",
 *   args: { key: z.string() },
 *   output: { key: z.string(), deleted: z.boolean() },
 *   async apply(tx, a) {
 *     const deleted = await tx.kv.delete(a.key);
 *     return () => ({ key: a.key, deleted }); // read after commit
 *   },
 *   summary: (r, run) => `deleted "${r.key}" from run ${run}`,
 * });
 */
export function defineWriteOp<A extends z.ZodRawShape, O extends z.ZodRawShape>(
  spec: WriteOpSpec<A, O>,
): WriteOp {
  const args = z.strictObject(spec.args);
  const op: WriteOp = {
    name: spec.name,
    operationSchema: z.strictObject({ op: z.literal(spec.name), ...spec.args }),
    resultSchema: z.object({ op: z.literal(spec.name), ...spec.output }),
    // `raw` was checked by a schema holding `spec.args`; parsing again gives it its type.
    apply: (tx, raw, ctx) => spec.apply(tx, args.parse(raw), ctx),
    tool: defineTool({
      name: spec.name,
      title: spec.title,
      description: spec.description,
      input: { run_id: spec.optionalRunId ? runIdSchema.optional() : runIdSchema, ...spec.args },
      output: spec.output,
      access: 'write',
      ...(spec.destructive === undefined ? {} : { destructive: spec.destructive }),
      ...(spec.idempotent === undefined ? {} : { idempotent: spec.idempotent }),
      async run(parsed, ctx) {
        // The generic shape hides `run_id` from TypeScript; the schema above put it there.
        const { run_id, ...rest } = parsed as Record<string, unknown>;
        const runId = typeof run_id === 'string' ? run_id : ctx.scope.newRunId();
        const [result] = await applyOperations(ctx, runId, [{ op, args: rest }], false);
        // The one result is what `spec.apply` produced for these arguments.
        return result as ResultOf<O>;
      },
      summary: (result, parsed) => {
        const { run_id } = parsed as Record<string, unknown>;
        return spec.summary(result, typeof run_id === 'string' ? run_id : '');
      },
    }),
  };
  return op;
}
