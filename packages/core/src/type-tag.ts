import { AgentDBError, invalidArgument } from './errors.js';

/**
 * One byte naming the primitive that owns a key. Built-ins use 0x01–0x05, 0x06–0x0F are reserved for
 * future built-ins and 0x10–0xFF belong to extensions registered with `registerTypeTag`.
 */
export const TypeTag = {
  KV: 0x01,
  Event: 0x02,
  State: 0x03,
  Trace: 0x04,
  Run: 0x05,
} as const;

export type BuiltinTypeTag = (typeof TypeTag)[keyof typeof TypeTag];

/** The first code extensions may register. */
export const FIRST_EXTENSION_TAG = 0x10;
/** The last code extensions may register. */
export const LAST_EXTENSION_TAG = 0xff;

const byCode = new Map<number, string>(Object.entries(TypeTag).map(([name, code]) => [code, name]));
const byName = new Map<string, number>(Object.entries(TypeTag));

/**
 * Registers an extension TypeTag (0x10–0xFF) for this process. Registering the very same pair again is
 * allowed; a code or a name already taken by something else is `ALREADY_EXISTS`.
 *
 * @example
 * registerTypeTag(0x10, 'queue');
 * const key = Key.of(0x10, runId, 'messages', 0);
 */
export function registerTypeTag(code: number, name: string): void {
  if (!Number.isInteger(code) || code < FIRST_EXTENSION_TAG || code > LAST_EXTENSION_TAG) {
    throw invalidArgument(
      `TypeTag code ${String(code)} is outside the extension range 0x10–0xFF (0x01–0x0F belong to built-ins)`,
    );
  }
  if (typeof name !== 'string' || !/^[A-Za-z][A-Za-z0-9_.-]{0,63}$/.test(name)) {
    throw invalidArgument(
      `TypeTag name ${JSON.stringify(name)} must be 1–64 characters: a letter, then letters, digits, _ . -`,
    );
  }
  const existingName = byCode.get(code);
  const existingCode = byName.get(name);
  if (existingName === name && existingCode === code) return;
  if (existingName !== undefined) {
    throw new AgentDBError(
      'ALREADY_EXISTS',
      `TypeTag 0x${code.toString(16)} is already registered as "${existingName}"`,
    );
  }
  if (existingCode !== undefined) {
    throw new AgentDBError(
      'ALREADY_EXISTS',
      `TypeTag name "${name}" is already registered as 0x${existingCode.toString(16)}`,
    );
  }
  byCode.set(code, name);
  byName.set(name, code);
}

/**
 * The registered name of a TypeTag code, or `undefined`.
 *
 * @example
 * typeTagName(TypeTag.Event); // 'Event'
 */
export function typeTagName(code: number): string | undefined {
  return byCode.get(code);
}

/**
 * Every registered TypeTag (built-ins and extensions), ascending by code.
 *
 * @example
 * registeredTypeTags().map((t) => t.name); // ['KV', 'Event', 'State', 'Trace', 'Run', …]
 */
export function registeredTypeTags(): { code: number; name: string }[] {
  return [...byCode].map(([code, name]) => ({ code, name })).sort((a, b) => a.code - b.code);
}

/** Throws `INVALID_ARGUMENT` unless `code` is a registered TypeTag. */
export function assertTypeTag(code: number): void {
  if (!byCode.has(code)) {
    throw invalidArgument(
      `TypeTag ${String(code)} is not registered: use a built-in (TypeTag.KV …) or call registerTypeTag(code, name) first`,
    );
  }
}
