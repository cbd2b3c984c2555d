import { AgentDBError, decodeValue, Key, readClock } from '@agentdb/core';
import type { EngineTransaction, MutationHandle } from '@agentdb/engine';
import type { CheckedAppend } from './arguments.js';
import {
  chainHash,
  eventRecord,
  GENESIS_HASH,
  hashPrefix,
  metaKey,
  metaRecord,
  parseMeta,
  typeIndexPrefix,
} from './layout.js';
import type { Event } from './types.js';

/*
 * The one write of the event log, against a transaction, with its arguments already checked
 * (arguments.ts `checkAppend`). No write updates or deletes an event.
 */

/**
 * Registers the append of an event to `runId`'s log as a commit-time mutation of the log's metadata:
 * its sequence, timestamp (the transaction's clock, never below the previous event's) and hash are
 * assigned inside the commit, so concurrent appenders never conflict and an aborted transaction
 * consumes no sequence. The SHA-256 state of the fields known now is computed here, outside the write
 * lock. Returns the handle that settles with the `Event` after commit. A failed `expectedSequence`
 * aborts the transaction at commit with `VERSION_MISMATCH`.
 */
export function appendEvent(tx: EngineTransaction, runId: string, a: CheckedAppend): MutationHandle<Event> {
  const { eventType, payloadBytes, expected } = a;
  const byType = typeIndexPrefix(runId, eventType); // refuses an unusable key now rather than at commit
  const readBack = decodeValue(payloadBytes); // the payload exactly as `read` will return it
  const prefix = hashPrefix(eventType, payloadBytes);
  const clock = tx.clock;
  return tx.mutate<Event>(metaKey(runId), (current, ctx) => {
    const meta = parseMeta(current);
    const sequence = meta?.length ?? 0;
    if (expected !== undefined && expected !== sequence) {
      throw new AgentDBError(
        'VERSION_MISMATCH',
        `expected the next event of run "${runId}" to get sequence ${expected}, but it would get ${sequence}`,
        { expected, actual: sequence },
      );
    }
    const key = Key.event(runId, sequence);
    if (ctx.get(key) !== undefined) {
      throw new AgentDBError(
        'CORRUPTION',
        `event ${sequence} of run "${runId}" exists but the log's metadata does not count it; refusing to overwrite history`,
      );
    }
    // Timestamps never decrease along a log, even if the clock steps back.
    const timestamp = Math.max(readClock(clock), meta?.timestamp ?? 0);
    const prevHash = meta?.head ?? GENESIS_HASH;
    const hash = chainHash(prefix, sequence, timestamp, prevHash);
    ctx.put(key, eventRecord({ sequence, eventType, timestamp, payload: payloadBytes, prevHash, hash }));
    ctx.put(Key.extend(byType, sequence), sequence);
    return {
      value: metaRecord({ length: sequence + 1, head: hash, timestamp }),
      result: { sequence, eventType, payload: readBack, timestamp, prevHash, hash },
    };
  });
}
