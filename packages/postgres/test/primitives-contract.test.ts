import { messageQueueExtension } from '@agentdb/example-message-queue/contract';
import { AgentDB } from '@agentdb/primitives';
import { primitivesContract } from '@agentdb/primitives/contract';
import { inject } from 'vitest';
import { PostgresDatabase } from '../src/index.js';
import { freshSchema } from './helpers/engine.js';

// The primitives' integration suites, unchanged, on PostgreSQL: each database is a fresh schema, and
// reopening closes the engine and opens the same schema again.
primitivesContract(
  'postgres',
  {
    async open({ clock }) {
      const options = { connectionString: inject('pgUrl'), schema: freshSchema(), clock, sweepIntervalMs: 0 };
      let engine = await PostgresDatabase.open(options);
      return {
        db: new AgentDB(engine),
        async reopen() {
          await engine.close();
          engine = await PostgresDatabase.open(options);
          return new AgentDB(engine);
        },
        dispose: () => engine.close(),
      };
    },
  },
  { extension: messageQueueExtension },
);
