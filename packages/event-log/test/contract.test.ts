import { primitiveContract } from '@agentdb/engine/primitive-contract';
import { eventLogContractSubject } from '../src/contract.js';

// The primitive contract every primitive keeps (bad run ids, in() binding, refusals, CLOSED), on LMDB.
primitiveContract(eventLogContractSubject);
