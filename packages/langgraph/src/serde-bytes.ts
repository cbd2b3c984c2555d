import { AgentDBError } from '@agentdb/primitives';
import type { SerializerProtocol } from '@langchain/langgraph-checkpoint';
import type { TypedBytes } from './checkpoint-records.js';

/**
 * Serializes `value` with the saver's serializer. A serializer error is rethrown as `INVALID_VALUE`
 * naming `what` (with the original as `cause`). So is output that could never be read back: LangGraph's
 * `JsonPlusSerializer` turns a function or a symbol into zero bytes of JSON, which no `loadsTyped`
 * accepts — storing it would leave a thread that fails on every read.
 *
 * @example
 * const blob = await dumpTyped(saver.serde, state.messages, 'channel "messages"');
 */
export async function dumpTyped(
  serde: SerializerProtocol,
  value: unknown,
  what: string,
): Promise<TypedBytes> {
  let out: [string, Uint8Array];
  try {
    out = await serde.dumpsTyped(value);
  } catch (cause) {
    throw new AgentDBError('INVALID_VALUE', `the serializer cannot serialize ${what}: ${String(cause)}`, {
      cause,
    });
  }
  const [type, raw] = Array.isArray(out) ? out : [undefined, undefined];
  if (
    typeof type !== 'string' ||
    type.length === 0 ||
    !(raw instanceof Uint8Array || typeof raw === 'string')
  ) {
    throw new AgentDBError('INVALID_VALUE', `the serializer returned no [type, bytes] pair for ${what}`);
  }
  const bytes = typeof raw === 'string' ? new TextEncoder().encode(raw) : plainBytes(raw);
  if (bytes.length === 0 && type === 'json') {
    throw new AgentDBError(
      'INVALID_VALUE',
      `the serializer turned ${what} into nothing (a function or a symbol?); it could never be read back`,
    );
  }
  return { type, bytes };
}

/** Deserializes stored typed bytes. @example const value = await loadTyped(saver.serde, blob) */
export function loadTyped(serde: SerializerProtocol, t: TypedBytes): Promise<unknown> {
  return serde.loadsTyped(t.type, t.bytes);
}

// A Buffer (or other Uint8Array subclass) is stored as plain bytes: AgentDB values hold Uint8Array.
function plainBytes(b: Uint8Array): Uint8Array {
  return b.constructor === Uint8Array ? b : new Uint8Array(b.buffer, b.byteOffset, b.byteLength);
}
