import { nanoid } from 'nanoid';

/**
 * A new random id (21 characters of `[A-Za-z0-9_-]`, ~126 bits), valid as a run id or trace id.
 *
 * @example
 * const runId = newId(); // 'V1StGXR8_Z5jdHi6B-myT'
 */
export function newId(): string {
  return nanoid();
}
