import { join } from 'node:path';
import { AgentDB } from '@agentdb/primitives';
import { emptyCheckpoint } from '@langchain/langgraph-checkpoint';
import { docExamplesSuite } from '../../../tooling/doc-examples/index.js';
import type { CheckpointRecord } from '../src/checkpoint-records.js';
import { AgentDBSaver, AgentDBStore } from '../src/index.js';
import { dumpTyped } from '../src/serde-bytes.js';
import { echoGraph, letterEmbeddings } from './doc-fixtures.js';

// Every @example of src/ and every ts block of the README, compiled and run against a fresh AgentDB
// holding thread `t1` with one checkpoint (`checkpoint`, named by `config`).
docExamplesSuite({
  dir: join(import.meta.dirname, '..'),
  imports: {
    '../src/index.js': ['AgentDBSaver', 'AgentDBStore', 'EmbeddingsLike'],
    '../src/checkpoint-records.js': ['BlobRecord', 'CheckpointRecord', 'TypedBytes'],
    './doc-fixtures.js': ['echoGraph'],
    '@agentdb/primitives': ['AgentDB'],
    '@langchain/langgraph': ['MessagesAnnotation', 'START', 'StateGraph'],
    '@langchain/langgraph-checkpoint': ['Checkpoint'],
    '@langchain/core/runnables': ['RunnableConfig'],
  },
  fixtureType: `{
    db: AgentDB; saver: AgentDBSaver; store: AgentDBStore; builder: ReturnType<typeof echoGraph>; input: { messages: { role: string; content: string }[] };
    checkpoint: Checkpoint; config: RunnableConfig; record: CheckpointRecord; blobs: BlobRecord[];
    state: { messages: unknown[] }; blob: TypedBytes; run: string; id: string; q: Float32Array; v: Float32Array;
    embeddings: EmbeddingsLike; myEmbed: (texts: string[]) => Promise<number[][]>
  }`,
  async open() {
    const db = await AgentDB.open();
    const saver = new AgentDBSaver(db);
    const checkpoint = emptyCheckpoint();
    const config = await saver.put(
      { configurable: { thread_id: 't1' } },
      checkpoint,
      { source: 'input', step: -1, parents: {} },
      {},
    );
    const state = { messages: [{ role: 'user', content: 'hi' }] };
    const blob = await dumpTyped(saver.serde, state.messages, 'channel "messages"');
    const record: CheckpointRecord = {
      checkpoint: blob,
      metadata: blob,
      parentId: null,
      blobs: [['messages', 1]],
    };
    return {
      fixtures: {
        db,
        saver,
        store: new AgentDBStore(db),
        builder: echoGraph(),
        input: { messages: [{ role: 'user', content: 'hi' }] },
        checkpoint,
        config,
        record,
        blobs: [{ value: blob }],
        state,
        blob,
        run: 'run-1',
        id: checkpoint.id,
        q: new Float32Array([1, 2, 3]),
        v: new Float32Array([1, 2, 2.5]),
        embeddings: letterEmbeddings(1536),
        myEmbed: letterEmbeddings(256),
      },
      dispose: () => db.close(),
    };
  },
});
