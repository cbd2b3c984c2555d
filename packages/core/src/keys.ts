import { fromBufferKey, toBufferKey, writeKey } from 'ordered-binary';
import { checkId } from './arguments.js';
import { describe } from './describe.js';
import { invalidArgument } from './errors.js';
import { assertTypeTag, TypeTag } from './type-tag.js';

/**
 * One element of a key tuple. Strings, numbers (finite; `-0` is stored as `0`), bigints and byte
 * arrays. Byte order of encoded keys equals tuple order; within one position bytes sort before
 * numbers/bigints, which sort before strings.
 */
export type KeyPart = string | number | bigint | Uint8Array;

/** An encoded key: the bytes LMDB stores and orders. */
export type EncodedKey = Uint8Array;

/** A half-open byte range `[start, end)` of encoded keys. */
export interface KeyRange {
  readonly start: EncodedKey;
  readonly end: EncodedKey;
}

/** A decoded key: who owns it and its user tuple. */
export interface DecodedKey {
  namespace: 'user' | 'system';
  runId: string;
  tag: number;
  parts: KeyPart[];
}

/** Longest encoded key we accept (LMDB's own limit is 1,978 bytes). */
export const MAX_KEY_BYTES = 1900;
/** Longest string key part, in UTF-8 bytes. */
export const MAX_KEY_STRING_BYTES = 512;
/** The run id under which system records (the run index) live, in the system namespace. */
export const SYSTEM_RUN_ID = 'system';

// Namespaces are the first tuple element. User runs and system records can never collide because
// they differ in this element, whatever the run id.
const USER_NS = 'u';
const SYSTEM_NS = 's';
// ordered-binary writes a short ASCII string as its bytes, so every user key starts with 'u' (0x75)
// and the 0x00 tuple separator; `runIdOfKey` reads this byte without decoding the key.
const USER_NS_BYTE = 0x75;
// ordered-binary escapes U+0000–U+0004 only in strings under 64 chars and reads 0x00–0x03 as
// terminators; forbidding them keeps every string part unambiguous and order-preserving.
// biome-ignore lint/suspicious/noControlCharactersInRegex: these are exactly the characters refused
const FORBIDDEN_KEY_CHARS = /[\u0000-\u0004]/;

/**
 * Throws `INVALID_ARGUMENT` unless `runId` is 1–64 characters of `[A-Za-z0-9_-]`.
 *
 * @example
 * validateRunId('run-42'); // ok
 * validateRunId('../etc'); // throws INVALID_ARGUMENT
 */
export function validateRunId(runId: unknown): asserts runId is string {
  checkId(runId, 'run id');
}

/**
 * Throws `INVALID_ARGUMENT` unless `s` is a usable string key part: 1–512 UTF-8 bytes, well-formed
 * UTF-16, no U+0000–U+0004. `what` names the argument in the message.
 *
 * @example
 * validateKeyString(userKey, 'kv key');
 */
export function validateKeyString(s: unknown, what = 'key'): asserts s is string {
  if (typeof s !== 'string') throw invalidArgument(`${what} must be a string, got ${describe(s)}`);
  if (s.length === 0) throw invalidArgument(`${what} must not be empty`);
  // Hot path: a short ASCII string (at most 170 UTF-16 units is at most 510 UTF-8 bytes) needs one
  // pass over its units; anything else takes the general checks below.
  if (s.length <= 170 && isPlainAscii(s)) return;
  const bytes = Buffer.byteLength(s, 'utf8');
  if (bytes > MAX_KEY_STRING_BYTES) {
    throw invalidArgument(`${what} is ${bytes} bytes of UTF-8; the limit is ${MAX_KEY_STRING_BYTES}`);
  }
  if (FORBIDDEN_KEY_CHARS.test(s)) throw invalidArgument(`${what} must not contain characters U+0000–U+0004`);
  if (!s.isWellFormed()) throw invalidArgument(`${what} contains a lone surrogate (not well-formed UTF-16)`);
}

/** True when every unit is printable-range ASCII above U+0004 (no surrogates, nothing refused). */
function isPlainAscii(s: string): boolean {
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    if (c <= 4 || c >= 0x80) return false;
  }
  return true;
}

function validatePart(part: unknown, index: number): KeyPart {
  switch (typeof part) {
    case 'string':
      validateKeyString(part, `key part ${index}`);
      return part;
    case 'number':
      if (!Number.isFinite(part))
        throw invalidArgument(`key part ${index} must be a finite number, got ${part}`);
      return part === 0 ? 0 : part; // -0 would sort above every positive number
    case 'bigint':
      return part;
    default:
      if (part instanceof Uint8Array) return part;
      throw invalidArgument(
        `key part ${index} must be a string, number, bigint or Uint8Array, got ${describe(part)}`,
      );
  }
}

type Encodable = string | number | bigint | symbol;

function toEncodable(part: KeyPart): Encodable {
  // ordered-binary copies byte arrays raw, which would collide with its 0x00 separator; carrying them
  // as hex in a symbol keeps byte order (hex preserves lexicographic order) and decodes unambiguously.
  return part instanceof Uint8Array ? Symbol(Buffer.from(part).toString('hex')) : part;
}

function fromEncodable(part: unknown): KeyPart {
  if (typeof part === 'symbol') return new Uint8Array(Buffer.from(part.description ?? '', 'hex'));
  if (typeof part === 'string' || typeof part === 'number' || typeof part === 'bigint') return part;
  throw invalidArgument(`key holds an unsupported part ${describe(part)}`);
}

function encodeTuple(tuple: Encodable[]): EncodedKey {
  let bytes: Uint8Array;
  try {
    bytes = toBufferKey(tuple);
  } catch {
    throw invalidArgument(`key is too long: the encoded limit is ${MAX_KEY_BYTES} bytes`);
  }
  if (bytes.length > MAX_KEY_BYTES) {
    throw invalidArgument(`key is ${bytes.length} bytes encoded; the limit is ${MAX_KEY_BYTES}`);
  }
  return bytes;
}

// The hot path of every key build. A key is `toBufferKey([ns, runId, tag, ...parts])`, and
// ordered-binary writes a tuple as its elements `writeKey(…, inSequence)` joined by 0x00. So the
// encoded `(ns, runId, tag)` prefix is cached per run (validated once), and only the parts are
// encoded per call, into a scratch buffer. Anything unusual (an encoding that overflows the scratch
// or the key limit) takes the plain `encodeTuple` path, which produces the precise error. A test
// checks the bytes equal `toBufferKey` of the whole tuple.
const SCRATCH_BYTES = 8192;
const scratch = Buffer.allocUnsafeSlow(SCRATCH_BYTES);
const PREFIX_CACHE_LIMIT = 1024;
const userPrefixes = new Map<string, (Buffer | undefined)[]>();
let systemPrefix: Buffer | undefined;

function prefixOf(ns: string, runId: string, tag: number): Buffer {
  if (ns === SYSTEM_NS) {
    systemPrefix ??= Buffer.from(toBufferKey([SYSTEM_NS, SYSTEM_RUN_ID, TypeTag.Run]));
    return systemPrefix;
  }
  let byTag = userPrefixes.get(runId);
  if (byTag === undefined) {
    validateRunId(runId);
    if (userPrefixes.size >= PREFIX_CACHE_LIMIT) userPrefixes.clear();
    byTag = [];
    userPrefixes.set(runId, byTag);
  }
  let prefix = byTag[tag];
  if (prefix === undefined) {
    prefix = Buffer.from(toBufferKey([USER_NS, runId, tag]));
    byTag[tag] = prefix;
  }
  return prefix;
}

function buildKey(ns: string, runId: string, tag: number, parts: readonly unknown[]): EncodedKey {
  return appendParts(prefixOf(ns, runId, tag), parts, () => {
    const encodable: Encodable[] = [];
    for (let i = 0; i < parts.length; i++) encodable.push(toEncodable(validatePart(parts[i], i)));
    return encodeTuple([ns, runId, tag, ...encodable]);
  });
}

/**
 * `prefix` followed by `parts`, each checked and written as the next tuple element, into a fresh
 * buffer. Encodings that overflow the scratch buffer or the key limit go to `plain`, which reports them.
 */
function appendParts(prefix: Uint8Array, parts: readonly unknown[], plain: () => EncodedKey): EncodedKey {
  scratch.set(prefix, 0);
  let at = prefix.length;
  for (let i = 0; i < parts.length; i++) {
    const part = toEncodable(validatePart(parts[i], i));
    scratch[at++] = 0;
    try {
      at = writeKey(part, scratch, at, true);
    } catch {
      return plain(); // overflowed the scratch buffer
    }
    if (at > MAX_KEY_BYTES) return plain();
  }
  const out = Buffer.allocUnsafe(at);
  // Keys are short: a byte loop is cheaper than Buffer#copy's argument handling.
  for (let i = 0; i < at; i++) out[i] = scratch[i]!;
  return out;
}

function userKey(tag: number, runId: unknown, parts: readonly unknown[]): EncodedKey {
  if (typeof runId !== 'string') validateRunId(runId);
  return buildKey(USER_NS, runId, tag, parts);
}

/**
 * Key builders. Every key is `(namespace, runId, typeTag, ...userKey)` encoded with `ordered-binary`.
 *
 * @example
 * Key.kv('run-1', 'plan');             // a KV entry
 * Key.event('run-1', 0);               // the first event of run-1
 * Key.of(0x10, 'run-1', 'queue', 7);   // an extension's key (register 0x10 first)
 */
export const Key = {
  /** The key of KV entry `key` in `runId`. @example Key.kv('run-1', 'plan') */
  kv(runId: string, key: string): EncodedKey {
    validateKeyString(key, 'kv key');
    return userKey(TypeTag.KV, runId, [key]);
  },
  /** The key of event `sequence` in `runId`. @example Key.event('run-1', 0) */
  event(runId: string, sequence: number): EncodedKey {
    if (!Number.isSafeInteger(sequence) || sequence < 0) {
      throw invalidArgument(`event sequence must be a non-negative integer, got ${describe(sequence)}`);
    }
    return userKey(TypeTag.Event, runId, [sequence]);
  },
  /** The key of state cell `name` in `runId`. @example Key.state('run-1', 'phase') */
  state(runId: string, name: string): EncodedKey {
    validateKeyString(name, 'state cell name');
    return userKey(TypeTag.State, runId, [name]);
  },
  /** A trace-store key in `runId`. @example Key.trace('run-1', 'trace', id) */
  trace(runId: string, ...parts: KeyPart[]): EncodedKey {
    return userKey(TypeTag.Trace, runId, parts);
  },
  /** A run-index key, in the reserved system namespace. @example Key.run('record', runId) */
  run(...parts: KeyPart[]): EncodedKey {
    return buildKey(SYSTEM_NS, SYSTEM_RUN_ID, TypeTag.Run, parts);
  },
  /** A key under any registered tag, extensions included. @example Key.of(0x10, 'run-1', 'q', 0) */
  of(tag: number, runId: string, ...parts: KeyPart[]): EncodedKey {
    assertTypeTag(tag);
    return userKey(tag, runId, parts);
  },
  /**
   * `key` with one more tuple part: the same bytes as building the longer tuple in one go, for a key
   * built many times with only its last part changing (an index entry per sequence number), so the
   * fixed parts are checked and encoded once.
   *
   * @example
   * const byType = Key.of(0x10, 'run-1', 'by-type', 'start');
   * Key.extend(byType, 7); // equal to Key.of(0x10, 'run-1', 'by-type', 'start', 7)
   */
  extend(key: EncodedKey, part: KeyPart): EncodedKey {
    if (!(key instanceof Uint8Array) || key.length === 0 || key.length > MAX_KEY_BYTES)
      throw invalidArgument(`Key.extend needs an encoded key, got ${describe(key)}`);
    return appendParts(key, [part], () => {
      // Too long: the whole tuple's encoding reports it.
      const d = decodeKey(key);
      const ns = d.namespace === 'user' ? USER_NS : SYSTEM_NS;
      return encodeTuple([ns, d.runId, d.tag, ...[...d.parts, part].map(toEncodable)]);
    });
  },
};

function prefixBytes(prefix: EncodedKey, last: number): KeyRange {
  const end = new Uint8Array(prefix.length + 1);
  end.set(prefix);
  end[prefix.length] = last;
  return { start: prefix, end };
}

/**
 * Every key of `runId`, across all TypeTags (extensions included): one contiguous range, so a whole
 * run is deleted with one range delete. `run1` and `run10` never overlap.
 *
 * @example
 * const { start, end } = runRange('run-1'); // scan [start, end): db.scan(runRange('run-1'))
 */
export function runRange(runId: string): KeyRange {
  validateRunId(runId);
  return continuations(encodeTuple([USER_NS, runId]));
}

/**
 * Every user key — the data of every run, across all TypeTags — and no system key (the run index):
 * one contiguous range, ordered by run id. Reading one key and then seeking to `runRange(id).end`
 * lists the runs that have data.
 *
 * @example
 * const { start, end } = userKeysRange(); // db.scan(userKeysRange(), { limit: 1 }) finds the first run
 */
export function userKeysRange(): KeyRange {
  return continuations(encodeTuple([USER_NS]));
}

/** Every key that continues the tuple `base` with more parts: `base` + 0x00 up to `base` + 0x01. */
function continuations(base: EncodedKey): KeyRange {
  const start = new Uint8Array(base.length + 1);
  start.set(base);
  return { start, end: prefixBytes(base, 0x01).end };
}

/**
 * Every key of one TypeTag in `runId`, optionally narrowed to a tuple prefix: `('by-tag', 'a')`
 * covers `('by-tag', 'a', …)` and never `('by-tag', 'a__b', …)`.
 *
 * @example
 * tagRange('run-1', TypeTag.Trace, 'by-tag', 'urgent');
 */
export function tagRange(runId: string, tag: number, ...prefix: KeyPart[]): KeyRange {
  assertTypeTag(tag);
  return prefixBytes(userKey(tag, runId, prefix), 0x01);
}

/** Like `tagRange`, for the system namespace (the run index). @example systemRange('by-status', 'active') */
export function systemRange(...prefix: KeyPart[]): KeyRange {
  return prefixBytes(buildKey(SYSTEM_NS, SYSTEM_RUN_ID, TypeTag.Run, prefix), 0x01);
}

/**
 * Keys of one tag and tuple prefix whose next part is a string starting with `text` (a KV `list`
 * with `prefix`). `text` must be non-empty.
 *
 * @example
 * textPrefixRange('run-1', TypeTag.KV, [], 'user:');
 */
export function textPrefixRange(
  runId: string,
  tag: number,
  prefix: readonly KeyPart[],
  text: string,
): KeyRange {
  assertTypeTag(tag);
  validateKeyString(text, 'prefix');
  // Continuations of a string are UTF-8 bytes (≤ 0xF4) or the 0x00 separator, all below 0xFF.
  return prefixBytes(userKey(tag, runId, [...prefix, text]), 0xff);
}

/**
 * The least encoded key strictly greater than `key`: start a scan here to resume after `key`.
 *
 * @example
 * const range = tagRange('run-1', TypeTag.KV);
 * const next = { start: keySuccessor(Key.kv('run-1', 'b')), end: range.end }; // the keys after 'b'
 */
export function keySuccessor(key: EncodedKey): EncodedKey {
  return prefixBytes(key, 0x00).end;
}

/**
 * Decodes an encoded key back into its owner and tuple. A bigint part that a double represents exactly
 * decodes as a number.
 *
 * @example
 * decodeKey(Key.kv('run-1', 'plan')); // { namespace: 'user', runId: 'run-1', tag: 1, parts: ['plan'] }
 */
export function decodeKey(key: EncodedKey): DecodedKey {
  let raw: unknown;
  try {
    raw = fromBufferKey(Buffer.from(key.buffer, key.byteOffset, key.length));
  } catch (cause) {
    throw invalidArgument(`bytes are not an AgentDB key (${String(cause)})`);
  }
  if (!Array.isArray(raw) || raw.length < 3) throw invalidArgument('bytes are not an AgentDB key');
  const [ns, runId, tag, ...rest] = raw as unknown[];
  if ((ns !== USER_NS && ns !== SYSTEM_NS) || typeof runId !== 'string' || typeof tag !== 'number') {
    throw invalidArgument('bytes are not an AgentDB key');
  }
  return { namespace: ns === USER_NS ? 'user' : 'system', runId, tag, parts: rest.map(fromEncodable) };
}

/**
 * The run id a user key belongs to, read straight from the bytes (no full decode): `undefined` for
 * system keys and for bytes that are not an AgentDB user key. The commit log uses it on every write.
 *
 * @example
 * runIdOfKey(Key.kv('run-1', 'plan')); // 'run-1'
 */
export function runIdOfKey(key: EncodedKey): string | undefined {
  // Layout: 'u' 0x00 <run id: ASCII, no 0x00> 0x00 …
  if (key[0] !== USER_NS_BYTE || key[1] !== 0x00) return undefined;
  const end = key.indexOf(0x00, 2);
  if (end < 3) return undefined;
  // Writes come in runs of the same run id: reuse the last decoded id when the bytes match.
  const last = lastRunId;
  if (last.length === end - 2) {
    let same = true;
    for (let i = 0; i < last.length; i++) {
      if (key[i + 2] !== last.charCodeAt(i)) {
        same = false;
        break;
      }
    }
    if (same) return last;
  }
  lastRunId = Buffer.from(key.buffer, key.byteOffset + 2, end - 2).toString('latin1');
  return lastRunId;
}
let lastRunId = '';

/**
 * Byte-wise comparison of encoded keys (the order LMDB uses).
 *
 * @example
 * compareKeys(Key.event(r, 1), Key.event(r, 2)) < 0; // true
 */
export function compareKeys(a: EncodedKey, b: EncodedKey): number {
  return Buffer.compare(a, b);
}
