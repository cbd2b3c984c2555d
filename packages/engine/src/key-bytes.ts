import { describe, invalidArgument, MAX_KEY_BYTES } from '@agentdb/core';

/** Checks an engine key argument and returns it as a Buffer view (no copy). */
export function checkKey(key: unknown): Buffer {
  if (!(key instanceof Uint8Array)) {
    throw invalidArgument(
      `key must be a Uint8Array built with Key.* from @agentdb/core, got ${describe(key)}`,
    );
  }
  if (key.length === 0 || key.length > MAX_KEY_BYTES) {
    throw invalidArgument(`key is ${key.length} bytes; keys are 1–${MAX_KEY_BYTES} bytes`);
  }
  return Buffer.isBuffer(key) ? key : Buffer.from(key.buffer, key.byteOffset, key.length);
}

/** A string identity for a key, for maps of reads and writes (one char per byte). */
export function keyId(key: Uint8Array): string {
  return (Buffer.isBuffer(key) ? key : Buffer.from(key.buffer, key.byteOffset, key.length)).toString(
    'latin1',
  );
}
