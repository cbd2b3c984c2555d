import type { AgentTransaction, Event, Value } from '@agentdb/primitives';
import { check, type DemoContext, heading } from '../context.js';
import { preview, shortHash } from '../format.js';
import { PARENT_FIX } from './fork.js';
import type { StartedRun } from './start-run.js';

const RELEASE = { version: '2.3.1', fix: PARENT_FIX };

/** The release check that fails on the first attempt: a normal exception, which aborts the transaction. */
class ReleaseBlocked extends Error {}

/** What one shipping attempt left behind for the caller: its event handle and what it read inside. */
interface Attempt {
  event?: PromiseLike<Event>;
  inside?: { phase: Value | undefined; status: string | undefined };
}

/**
 * Everything shipping does, in one transaction across all five primitives: store the release in KV,
 * move the phase cell, record the decision, append the event and complete the run. Throws
 * `ReleaseBlocked` (aborting all of it) when KV holds no changelog entry. It reports into `attempt`
 * as it goes, so the caller keeps the event handle even when it throws.
 */
async function ship(
  tx: AgentTransaction,
  phaseVersion: number,
  decisionId: string,
  planId: string,
  attempt: Attempt,
) {
  await tx.kv.put('release', RELEASE);
  await tx.state.cas('phase', phaseVersion, 'shipped');
  await tx.traces.recordChild(
    planId,
    {
      type: 'decision',
      question: 'Ship 2.3.1?',
      options: ['ship', 'wait'],
      chosen: 'ship',
      reasoning: 'tests pass 20/20',
    },
    { id: decisionId, tags: ['release'] },
  );
  attempt.event = tx.events.append('patch_shipped', RELEASE);
  await tx.runs.completeRun();
  // Read-your-writes: the transaction sees its own uncommitted changes.
  attempt.inside = { phase: (await tx.state.read('phase'))?.value, status: (await tx.runs.getRun())?.status };
  if ((await tx.kv.get('changelog')) === undefined) {
    throw new ReleaseBlocked(`no changelog entry for ${RELEASE.version} — refusing to ship`);
  }
}

/** What the rollback step observed, for the summary and the tests. */
interface Observed {
  release: Value | undefined;
  phase: Value | undefined;
  phaseVersion: number;
  events: number;
  traces: number;
  status: string | undefined;
}

async function observe(ctx: DemoContext, runId: string): Promise<Observed> {
  const [release, phase, events, traces, meta] = await Promise.all([
    ctx.db.kv.get(runId, 'release'),
    ctx.db.state.read(runId, 'phase'),
    ctx.db.events.len(runId),
    ctx.db.traces.count(runId),
    ctx.db.runs.getRun(runId),
  ]);
  return {
    release,
    phase: phase?.value,
    phaseVersion: phase?.version ?? 0,
    events,
    traces,
    status: meta?.status,
  };
}

/**
 * Ships twice. The first attempt touches every primitive and then fails its release check, so the
 * transaction rolls back: the step shows that none of its effects are visible (and that inside the
 * transaction they were). The agent then writes the changelog and the same transaction commits.
 *
 * @example await release(ctx, started)
 */
export async function release(ctx: DemoContext, { run, planId }: StartedRun): Promise<void> {
  const { style } = ctx;
  heading(ctx, 'Step 6 · a cross-primitive transaction that rolls back');
  const before = await observe(ctx, run.runId);
  let attempt: Attempt = {};
  let blocked: ReleaseBlocked | undefined;
  try {
    await ctx.db.transaction(run.runId, async (tx) => {
      attempt = {}; // a re-run on conflict starts afresh
      await ship(tx, before.phaseVersion, 'rolled-back-ship', planId, attempt);
    });
  } catch (e) {
    if (!(e instanceof ReleaseBlocked)) throw e;
    blocked = e;
  }
  ctx.out('  one transaction: kv.put release · state.cas phase → "shipped" · traces.record decision ·');
  ctx.out('                   events.append patch_shipped · runs.completeRun · then the release check');
  ctx.out(
    `  inside it the agent saw its own writes: phase ${preview(attempt.inside?.phase)}, run ${preview(attempt.inside?.status)}`,
  );
  check(ctx, blocked !== undefined, `the release check threw: ${blocked?.message ?? 'it did not'}`);
  const after = await observe(ctx, run.runId);
  ctx.out('  after the rollback, nothing of it is visible:');
  check(
    ctx,
    after.release === undefined,
    `kv "release" → ${after.release === undefined ? 'absent' : preview(after.release)}`,
  );
  check(
    ctx,
    after.phase === before.phase && after.phaseVersion === before.phaseVersion,
    `state "phase" → ${preview(after.phase)} at v${after.phaseVersion} (unchanged)`,
  );
  check(
    ctx,
    after.events === before.events,
    `event log → still ${after.events} events, no gap in the sequence`,
  );
  check(ctx, after.traces === before.traces, `traces → still ${after.traces}; no "Ship 2.3.1?" decision`);
  check(ctx, after.status === 'active', `run status → ${after.status} (not completed)`);
  const handle =
    attempt.event === undefined
      ? 'was never created'
      : await attempt.event.then(
          () => 'resolved',
          (e: unknown) => `rejected: ${(e as Error).message}`,
        );
  check(ctx, handle.startsWith('rejected'), `the append's handle ${handle}`);

  heading(ctx, 'Step 7 · write the changelog, ship again, complete the run');
  await ctx.db.kv.put(run.runId, 'changelog', {
    '2.3.1': 'checkout: payment retries use an injectable clock',
  });
  const shipId = run.ids.next('ship');
  let final: Attempt = {};
  await ctx.db.transaction(run.runId, async (tx) => {
    final = {};
    await ship(tx, before.phaseVersion, shipId, planId, final);
  });
  const event = await final.event!;
  const done = await observe(ctx, run.runId);
  ctx.out(
    `  ${style.green('✓')} committed: release ${preview(done.release)}, phase "${String(done.phase)}" v${done.phaseVersion}, run ${style.green(done.status ?? '?')}`,
  );
  ctx.out(
    `  event #${event.sequence} patch_shipped, hash ${shortHash(event.hash)}… chained to ${shortHash(event.prevHash)}…`,
  );
}
