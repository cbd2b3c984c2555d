import type { Event, Value } from '@agentdb/primitives';
import { type DemoContext, TraceIds } from './context.js';
import { formatArgs, preview } from './format.js';
import { cacheKey, runTool } from './tools.js';

/** A run the agent is working in, with the ids its traces get. */
export interface AgentRun {
  readonly runId: string;
  readonly ids: TraceIds;
}

/** Starts tracking a run that was just created. @example const run = agentRun('s1-fix') */
export function agentRun(runId: string): AgentRun {
  return { runId, ids: new TraceIds() };
}

/** How a tool call used the KV cache. */
export type CacheUse = 'hit' | 'miss' | 'none';

/** What a tool call produced and where it was recorded. */
export interface ToolCall {
  readonly result: Value;
  readonly cache: CacheUse;
  readonly traceId: string;
  readonly event: Event;
}

/** Options of `callTool`. */
export interface CallOptions {
  /** Cache the result in KV for this long; absent: never cached (e.g. running tests). */
  readonly cacheTtlMs?: number;
  /** Trace tags; a cached call also gets `cache-hit` or `cache-miss`. */
  readonly tags?: readonly string[];
  /** Who called it, printed in front of the line. */
  readonly actor?: string;
}

/**
 * One tool call as one atomic commit: look the result up in the KV cache (run the simulated tool on a
 * miss and cache it with a TTL), record a `tool_call` trace under `parentId`, and append a `tool_call`
 * event. Either all three land or none does. The transaction may re-run on conflict, which is safe
 * because the simulated tool is a pure function of its arguments.
 *
 * @example await callTool(ctx, run, rootId, 'search_code', { query: 'x' }, { cacheTtlMs: 600_000 })
 */
export async function callTool(
  ctx: DemoContext,
  run: AgentRun,
  parentId: string,
  name: string,
  args: { readonly [k: string]: Value },
  opts: CallOptions = {},
): Promise<ToolCall> {
  const traceId = run.ids.next(name);
  const key = cacheKey(name, args);
  let pending!: PromiseLike<Event>;
  const { result, cache } = await ctx.db.transaction(run.runId, async (tx) => {
    const hit = opts.cacheTtlMs === undefined ? undefined : await tx.kv.get(key);
    const cache: CacheUse = opts.cacheTtlMs === undefined ? 'none' : hit === undefined ? 'miss' : 'hit';
    const output = hit === undefined ? runTool(name, args) : { result: hit, durationMs: 1 };
    if (cache === 'miss') await tx.kv.put(key, output.result, { ttlMs: opts.cacheTtlMs! });
    const tags = [...(opts.tags ?? []), ...(cache === 'none' ? [] : [`cache-${cache}`])];
    await tx.traces.recordChild(
      parentId,
      {
        type: 'tool_call',
        toolName: name,
        arguments: args,
        result: output.result,
        durationMs: output.durationMs,
      },
      { id: traceId, tags, metadata: { cache } },
    );
    pending = tx.events.append('tool_call', { tool: name, args, cache, trace: traceId });
    return { result: output.result, cache };
  });
  const event = await pending;
  const { style } = ctx;
  const cacheText =
    cache === 'hit'
      ? style.green('cache hit')
      : cache === 'miss'
        ? style.yellow(`cache miss → cached, TTL ${formatTtl(opts.cacheTtlMs!)}`)
        : style.dim('not cached');
  ctx.out(
    `  ${opts.actor === undefined ? '' : `${style.magenta(opts.actor)}  `}${name}(${formatArgs(args)}) → ${preview(result, 40)}  ${cacheText}  ${style.dim(`event #${event.sequence}`)}`,
  );
  return { result, cache, traceId, event };
}

/** A TTL in words. @example formatTtl(600_000) // '10 min' */
export function formatTtl(ms: number): string {
  if (ms >= 60_000 && ms % 60_000 === 0) return `${ms / 60_000} min`;
  if (ms >= 1000 && ms % 1000 === 0) return `${ms / 1000} s`;
  return `${ms} ms`;
}
