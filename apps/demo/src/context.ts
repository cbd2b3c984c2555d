import type { AgentDB, Value } from '@agentdb/primitives';
import type { Style } from './style.js';

/** The tag every run this demo creates carries, so a later session can find the earlier ones. */
export const DEMO_TAG = 'agentdb-demo';

/** What every scenario step gets: the database, the session number, and where to print. */
export interface DemoContext {
  readonly db: AgentDB;
  /** 1 for a fresh database, then one more per run of the program. */
  readonly session: number;
  readonly style: Style;
  /** Prints one line (no argument: an empty line). */
  readonly out: (line?: string) => void;
  /** Checks that failed; any entry makes the program exit with status 1. */
  readonly problems: string[];
}

/**
 * Hands out trace ids in recording order (`01-plan`, `02-search_code`, …). Trace listings are ordered
 * by (timestamp, id), so traces recorded within one millisecond still print in the order they happened,
 * and the output is the same on every run.
 *
 * @example const ids = new TraceIds(); ids.next('plan') // '01-plan'
 */
export class TraceIds {
  #n = 0;

  /** The next id, with a readable suffix. @example ids.next('run_tests') // '02-run_tests' */
  next(what: string): string {
    this.#n += 1;
    return `${String(this.#n).padStart(2, '0')}-${what}`.slice(0, 64);
  }
}

/** Prints a section heading. @example heading(ctx, 'Workers') */
export function heading(ctx: DemoContext, title: string): void {
  ctx.out();
  ctx.out(ctx.style.bold(ctx.style.cyan(`▌ ${title}`)));
}

/** Prints a pass/fail line and records a failure. @example check(ctx, ok, 'chain verifies') */
export function check(ctx: DemoContext, ok: boolean, text: string): void {
  ctx.out(`  ${ok ? ctx.style.green('✓') : ctx.style.red('✗')} ${text}`);
  if (!ok) ctx.problems.push(text);
}

/** The session a demo run was created in (from its metadata), 0 if it does not say. */
export function sessionOf(run: { readonly metadata: Value }): number {
  const m = run.metadata;
  if (m === null || typeof m !== 'object' || Array.isArray(m) || m instanceof Date || m instanceof Uint8Array)
    return 0;
  const s = (m as { readonly [k: string]: Value }).session;
  return typeof s === 'number' ? s : 0;
}
