import { messageQueueExtension } from '@agentdb/example-message-queue/contract';
import { primitivesContract } from '../src/contract/index.js';
import { lmdbSubject } from './helpers/fixture.js';

// The suites packages/postgres runs on PostgreSQL, here on LMDB.
primitivesContract('lmdb', lmdbSubject, { extension: messageQueueExtension });
