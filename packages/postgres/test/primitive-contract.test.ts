import { type PrimitiveSubject, primitiveContract } from '@agentdb/engine/primitive-contract';
import { manualClock } from '@agentdb/engine/testing';
import { eventLogContractSubject } from '@agentdb/event-log/contract';
import { messageQueueContractSubject } from '@agentdb/example-message-queue/contract';
import { kvContractSubject } from '@agentdb/kv/contract';
import { runIndexContractSubject } from '@agentdb/run-index/contract';
import { stateCellContractSubject } from '@agentdb/state-cell/contract';
import { traceStoreContractSubject } from '@agentdb/trace-store/contract';
import { openEngine } from './helpers/engine.js';

/** A fresh engine in a fresh schema, as the suite's LMDB default is a fresh directory. */
async function open() {
  const engine = await openEngine({ clock: manualClock() });
  return { engine, dispose: () => engine.close() };
}

/** Registers `subject`'s primitive contract on PostgreSQL. */
function onPostgres<P, V extends { readonly runId: string }>(subject: PrimitiveSubject<P, V>): void {
  primitiveContract({ ...subject, name: `${subject.name} on PostgreSQL`, open });
}

// The primitive contract of every primitive (and of the extension example), unchanged, on PostgreSQL.
onPostgres(kvContractSubject);
onPostgres(eventLogContractSubject);
onPostgres(stateCellContractSubject);
onPostgres(traceStoreContractSubject);
onPostgres(runIndexContractSubject);
onPostgres(messageQueueContractSubject);
