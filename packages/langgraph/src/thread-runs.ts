import {
  type AgentDB,
  AgentDBError,
  type AgentTransaction,
  isValueObject,
  validateKeyString,
} from '@agentdb/primitives';
import { threadIdOfRun } from './thread-ids.js';

/** The tag of every run that holds a LangGraph thread (`agentdb <dir> runs --tag langgraph-thread`). */
export const THREAD_TAG = 'langgraph-thread';

/** The thread id recorded in a run's metadata (`{ langgraph: { threadId } }`), if any. */
function recordedThreadId(metadata: unknown): string | undefined {
  if (!isValueObject(metadata)) return undefined;
  const lg = metadata.langgraph;
  return isValueObject(lg) && typeof lg.threadId === 'string' ? lg.threadId : undefined;
}

function usableName(threadId: string): string | undefined {
  try {
    validateKeyString(threadId);
    return threadId;
  } catch {
    return undefined; // the name is only a label: the metadata always has the thread id
  }
}

/**
 * Makes sure the transaction's run is recorded as thread `threadId`: creates the run record (tag
 * `langgraph-thread`, name and `metadata.langgraph.threadId` = the thread id) on the first checkpoint,
 * tags a run the application created itself, and refuses a run recorded for another thread (which
 * would take a SHA-256 collision of two long thread ids).
 */
export async function ensureThreadRun(tx: AgentTransaction, threadId: string): Promise<void> {
  const run = await tx.runs.getRun();
  if (run === undefined) {
    const name = usableName(threadId);
    await tx.runs.createRun({
      ...(name === undefined ? {} : { name }),
      tags: [THREAD_TAG],
      metadata: { langgraph: { threadId } },
    });
    return;
  }
  const recorded = recordedThreadId(run.metadata) ?? threadIdOfRun(run.runId);
  if (recorded !== undefined && recorded !== threadId) {
    throw new AgentDBError(
      'ALREADY_EXISTS',
      `run ${run.runId} already holds thread ${JSON.stringify(recorded)}, not ${JSON.stringify(threadId)}`,
    );
  }
  if (!run.tags.includes(THREAD_TAG)) await tx.runs.addTags([THREAD_TAG]);
}

/** Every thread in the database: `[threadId, runId]`, in run creation order. */
export async function listThreads(db: AgentDB): Promise<[string, string][]> {
  const out: [string, string][] = [];
  for (const run of await db.runs.queryRuns({ tag: THREAD_TAG })) {
    const threadId = recordedThreadId(run.metadata) ?? threadIdOfRun(run.runId);
    if (threadId !== undefined) out.push([threadId, run.runId]);
  }
  return out;
}
