import {
  type CheckpointSaverTestInitializer,
  deltaChannelHistoryTests,
  validate,
} from '@langchain/langgraph-checkpoint-validation';
import type { AgentDBSaver } from '../src/index.js';
import { openTestSaver } from './helpers.js';

// LangGraph's own conformance suite for checkpoint savers, unchanged. Every checkpointer it creates is
// a fresh real LMDB directory (strict durability), closed and removed afterwards.
const open = new Map<AgentDBSaver, () => Promise<void>>();

const initializer: CheckpointSaverTestInitializer<AgentDBSaver> = {
  checkpointerName: 'AgentDBSaver',
  async createCheckpointer() {
    const { saver, dispose } = await openTestSaver();
    open.set(saver, dispose);
    return saver;
  },
  async destroyCheckpointer(saver) {
    await open.get(saver)?.();
    open.delete(saver);
  },
};

validate(initializer);
// Opt-in in the suite (the method is Beta and inherited); LangGraph runs it for each of its own savers.
deltaChannelHistoryTests(initializer);
