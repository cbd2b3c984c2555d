import type { SpanRecord } from './span-to-trace.js';

/** A finished span ready to be placed in the trace tree of its run. */
export interface SpanItem {
  /** `traceId-spanId` of the span: unique per span across OpenTelemetry traces. */
  key: string;
  /** The key of its parent span, if it has one. */
  parentKey: string | undefined;
  /** Its parent lives in another process (a propagated context): it will never be exported here. */
  remoteParent: boolean;
  runId: string;
  record: SpanRecord;
  /** Arrival order at the exporter: the oldest waiting spans are the first to give up on their parent. */
  seq: number;
  /** The span's start (ms), so siblings are recorded in the order they started. */
  startMs: number;
  /** How errors name the span. */
  label: string;
}

/** Where a span goes in this write. */
export type Placement = { kind: 'root' } | { kind: 'child'; parentId: string } | { kind: 'wait' };

/** How the exporter resolves parents it does not have in hand. */
export interface PlacementContext {
  /** The first of `ids` recorded in `runId`, if any (read inside the write's transaction). */
  storedParent(runId: string, ids: string[]): Promise<string | undefined>;
  /** Record spans whose parent is still unknown as roots instead of letting them wait (shutdown). */
  noWaiting: boolean;
  /** How many spans may wait after this write, counting those not in `items`. */
  waitCapacity: number;
}

/** The outcome: spans to record now in parent-first order with their placement, and spans to keep waiting. */
export interface PlacementPlan {
  write: { item: SpanItem; parentId: string | undefined }[];
  wait: SpanItem[];
}

/**
 * Decides, for a set of spans, which are recorded now and under which parent, keeping the tree:
 * - a span whose parent is among `items` goes under it, after it (or waits with it);
 * - a span whose parent is already recorded in its run goes under that trace;
 * - a span with a remote parent, or a parent in another run, is recorded as a root (the parent cannot
 *   come here), as is everything when `noWaiting` is set;
 * - any other span waits for its parent, unless more than `waitCapacity` spans would wait: then the
 *   oldest waiting spans are recorded as roots.
 * Pure apart from `storedParent` reads, so it can run inside a transaction that may be retried.
 *
 * @example
 * const plan = await placeSpans(items, { storedParent, noWaiting: false, waitCapacity: 10_000 });
 */
export async function placeSpans(items: SpanItem[], ctx: PlacementContext): Promise<PlacementPlan> {
  const byKey = new Map(items.map((i) => [i.key, i]));
  const placement = new Map<string, Placement>();
  const inHand = (i: SpanItem) => (i.parentKey === undefined ? undefined : byKey.get(i.parentKey));

  // Top spans: those whose parent is not in hand (or part of a cycle, which forged ids could make).
  const tops: SpanItem[] = [];
  for (const item of items) {
    const seen = new Set<string>([item.key]);
    let parent = inHand(item);
    while (parent !== undefined && !seen.has(parent.key)) {
      seen.add(parent.key);
      parent = inHand(parent);
    }
    if (inHand(item) === undefined || parent !== undefined) tops.push(item);
  }
  const isTop = new Set(tops.map((t) => t.key));
  for (const top of tops) placement.set(top.key, await placeTop(top, isTop.has(top.parentKey ?? ''), ctx));

  // Everything else follows its parent in hand, parents first (breadth-first from the tops).
  const children = new Map<string, SpanItem[]>();
  for (const item of items) {
    if (isTop.has(item.key)) continue;
    const parentKey = item.parentKey!;
    const list = children.get(parentKey);
    if (list === undefined) children.set(parentKey, [item]);
    else list.push(item);
  }
  const order = [...tops];
  for (let i = 0; i < order.length; i++) {
    const parent = order[i]!;
    for (const child of children.get(parent.key) ?? []) {
      placement.set(child.key, follow(child, parent, placement.get(parent.key)!));
      order.push(child);
    }
  }

  // Too many waiting: the oldest waiting tops give up on their parent and become roots. A waiting top's
  // whole subtree waits with it, so each one flipped frees its subtree's size.
  const topOf = new Map<string, string>();
  const subtreeSize = new Map<string, number>();
  for (const item of order) {
    const top = isTop.has(item.key) ? item.key : topOf.get(item.parentKey!)!;
    topOf.set(item.key, top);
    subtreeSize.set(top, (subtreeSize.get(top) ?? 0) + 1);
  }
  let excess = order.filter((i) => placement.get(i.key)!.kind === 'wait').length - ctx.waitCapacity;
  if (excess > 0) {
    const waitingTops = tops
      .filter((t) => placement.get(t.key)!.kind === 'wait')
      .sort((a, b) => a.seq - b.seq);
    for (const top of waitingTops) {
      if (excess <= 0) break;
      placement.set(top.key, { kind: 'root' });
      excess -= subtreeSize.get(top.key)!;
    }
    for (const item of order) {
      if (!isTop.has(item.key)) {
        placement.set(item.key, follow(item, byKey.get(item.parentKey!)!, placement.get(item.parentKey!)!));
      }
    }
  }

  // Parent-first order, siblings by start time: recorded timestamps then follow the spans' own order.
  const depth = new Map<string, number>();
  for (const item of order) {
    const parent = isTop.has(item.key) ? undefined : byKey.get(item.parentKey!);
    depth.set(item.key, parent === undefined ? 0 : depth.get(parent.key)! + 1);
  }
  const write = order
    .filter((i) => placement.get(i.key)!.kind !== 'wait')
    .sort((a, b) => depth.get(a.key)! - depth.get(b.key)! || a.startMs - b.startMs || a.seq - b.seq)
    .map((item) => {
      const p = placement.get(item.key)!;
      return { item, parentId: p.kind === 'child' ? p.parentId : undefined };
    });
  return { write, wait: order.filter((i) => placement.get(i.key)!.kind === 'wait') };
}

/** A top span: its parent is not in hand. */
async function placeTop(item: SpanItem, cyclic: boolean, ctx: PlacementContext): Promise<Placement> {
  if (item.parentKey === undefined || cyclic || item.remoteParent) return { kind: 'root' };
  const stored = await ctx.storedParent(item.runId, item.record.storedParentIds);
  if (stored !== undefined) return { kind: 'child', parentId: stored };
  return ctx.noWaiting ? { kind: 'root' } : { kind: 'wait' };
}

/** A span whose parent is in hand: under it, waiting with it, or a root if the parent is in another run. */
function follow(child: SpanItem, parent: SpanItem, parentPlacement: Placement): Placement {
  if (parentPlacement.kind === 'wait') return { kind: 'wait' };
  if (parent.runId !== child.runId) return { kind: 'root' };
  return { kind: 'child', parentId: parent.record.id };
}
