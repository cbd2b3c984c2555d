import { join } from 'node:path';
import { AgentDBSaver } from '@agentdb/langgraph';
import { AgentDB } from '@agentdb/primitives';
import type { RunnableConfig } from '@langchain/core/runnables';
import { type BaseCheckpointSaver, type Checkpoint, uuid6 } from '@langchain/langgraph-checkpoint';
import { SqliteSaver } from '@langchain/langgraph-checkpoint-sqlite';
import Sqlite from 'better-sqlite3';
import type { BenchContext } from '../context.js';
import { timeOps } from '../measure.js';
import type { BenchResult } from '../result.js';
import { versus } from '../rows.js';
import { Scratch } from '../scratch.js';

/** A chat agent's state: ten messages of ~200 bytes, and a step counter. */
const MESSAGES = Array.from({ length: 10 }, (_, i) => ({
  role: i % 2 === 0 ? 'user' : 'assistant',
  content: `message ${i}: ${'lorem ipsum dolor sit amet '.repeat(7)}`,
}));

/**
 * LangGraph checkpointer rows: one graph step as LangGraph's loop saves it — `put` of the new
 * checkpoint (both channels changed) then `putWrites` of the task's two writes. AgentDBSaver (strict)
 * against LangGraph's own SqliteSaver as it ships (better-sqlite3, WAL, synchronous=FULL in this
 * build), in the same run: steps awaited one after another on one thread (a graph with
 * `durability: "sync"`), and one step on each of many threads at once (a server running many graphs).
 * AgentDBSaver also appends a hash-chained event per put; SqliteSaver's calls are synchronous inside,
 * so its threads take turns.
 */
export async function langgraphWorkloads(ctx: BenchContext): Promise<BenchResult[]> {
  const scratch = new Scratch();
  try {
    return [await stepRow(ctx, scratch, 1), await stepRow(ctx, scratch, Math.min(ctx.cfg.inFlight, 100))];
  } finally {
    scratch.dispose();
  }
}

/** A saver on one thread, stepping its state forward. */
function stepper(saver: BaseCheckpointSaver, threadId: string) {
  let config: RunnableConfig = { configurable: { thread_id: threadId, checkpoint_ns: '' } };
  let version: number | undefined;
  let step = 0;
  return async () => {
    version = saver.getNextVersion(version);
    const checkpoint: Checkpoint = {
      v: 4,
      id: uuid6(step),
      ts: new Date().toISOString(),
      channel_values: { messages: MESSAGES, step },
      channel_versions: { messages: version, step: version },
      versions_seen: { agent: { messages: version } },
    };
    config = await saver.put(
      config,
      checkpoint,
      { source: 'loop', step, parents: {} },
      checkpoint.channel_versions,
    );
    await saver.putWrites(
      config,
      [
        ['messages', MESSAGES[step % 10]],
        ['step', step + 1],
      ],
      `task-${step}`,
    );
    step++;
  };
}

/** `threads` = 1: `sequentialCommits` steps one after another; else one step on each thread at once. */
async function stepRow({ cfg, log }: BenchContext, scratch: Scratch, threads: number): Promise<BenchResult> {
  const n = threads === 1 ? cfg.sequentialCommits : threads;
  const workload =
    threads === 1
      ? `LangGraph step (put + putWrites), ${n} sequential on one thread`
      : `LangGraph step (put + putWrites), ${n} threads in flight`;
  log(workload);
  const db = await AgentDB.open({ path: scratch.dir('langgraph'), durability: 'strict' });
  const sqlite = new Sqlite(join(scratch.dir('langgraph-sqlite'), 'checkpoints.db'));
  try {
    const iteration = (saver: BaseCheckpointSaver) => {
      if (threads === 1) {
        const step = stepper(saver, 'thread-0');
        return async () => {
          for (let i = 0; i < n; i++) await step();
        };
      }
      const steps = Array.from({ length: n }, (_, i) => stepper(saver, `thread-${i}`));
      return () => Promise.all(steps.map((step) => step()));
    };
    const baseT = await timeOps(iteration(new SqliteSaver(sqlite)), n, cfg.budget);
    const ours = await timeOps(iteration(new AgentDBSaver(db)), n, cfg.budget);
    return versus(
      {
        workload,
        ours,
        dataSize: 0,
        durability: 'strict',
        extra: { note: 'steps/s; AgentDBSaver also appends a chained event per put' },
      },
      'SqliteSaver (better-sqlite3 WAL sync=FULL, as shipped)',
      baseT,
    );
  } finally {
    sqlite.close();
    await db.close();
  }
}
