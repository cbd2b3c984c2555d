import { eventsAppend, eventsHead, eventsRead, eventsReadByType, eventsVerify } from './events-tools.js';
import { kvDelete, kvGet, kvList, kvPut } from './kv-tools.js';
import { runsComplete, runsCreate, runsFail, runsGet, runsList, runsUpdateStatus } from './runs-tools.js';
import { stateCas, stateInit, stateRead, stateSet } from './state-tools.js';
import type { Tool } from './tool.js';
import { tracesGet, tracesQuery, tracesRecord, tracesTree } from './traces-tools.js';
import { defineTransactionTool } from './transaction-tool.js';
import type { WriteOp } from './write-op.js';

/** Every write, each a tool of its own and an operation of `transaction`. */
export const WRITE_OPS: readonly WriteOp[] = [
  runsCreate,
  runsUpdateStatus,
  runsComplete,
  runsFail,
  kvPut,
  kvDelete,
  stateInit,
  stateCas,
  stateSet,
  eventsAppend,
  tracesRecord,
];

/** Every tool, in the order clients list them: by primitive, reads before writes. */
export const TOOLS: readonly Tool[] = [
  runsCreate.tool,
  runsGet,
  runsList,
  runsUpdateStatus.tool,
  runsComplete.tool,
  runsFail.tool,
  kvGet,
  kvList,
  kvPut.tool,
  kvDelete.tool,
  stateRead,
  stateInit.tool,
  stateCas.tool,
  stateSet.tool,
  eventsAppend.tool,
  eventsRead,
  eventsReadByType,
  eventsHead,
  eventsVerify,
  tracesRecord.tool,
  tracesGet,
  tracesQuery,
  tracesTree,
  defineTransactionTool(WRITE_OPS),
];
