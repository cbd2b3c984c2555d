import { addExtension, Encoder } from 'cbor-x';
import { AgentDBError } from './errors.js';
import { DEFAULT_MAX_VALUE_BYTES, type ValidateOptions, type Value, walkValue } from './value.js';

/**
 * The value codec: CBOR (RFC 8949) through `cbor-x`, with plain maps for objects (no record
 * extension), byte strings for `Uint8Array`, tags 2/3 for bigints, and two private tags: 20058 for
 * `-0`, which CBOR integers cannot carry, and 20059 for dates as integer milliseconds since the epoch
 * (the standard tag 1 holds float seconds, which rounds far-past and far-future dates by a
 * millisecond). Tag 1 is still decoded.
 */
const NEGATIVE_ZERO_TAG = 20058;
const DATE_MS_TAG = 20059;

class NegativeZero {}
const negativeZero = new NegativeZero();

addExtension({
  Class: NegativeZero,
  tag: NEGATIVE_ZERO_TAG,
  encode(_instance: NegativeZero, encode: (v: unknown) => Uint8Array) {
    return encode(0);
  },
  decode() {
    return -0;
  },
});

addExtension({
  Class: Date,
  tag: DATE_MS_TAG,
  encode(date: Date, encode: (v: unknown) => Uint8Array) {
    return encode(date.getTime());
  },
  decode(ms: number) {
    return new Date(ms);
  },
});

// copyBuffers: decoded byte strings are copies, never views of the source, so a value can be decoded
// straight from LMDB's reused read buffer and still be kept.
const encoder = new Encoder({
  useRecords: false,
  mapsAsObjects: true,
  tagUint8Array: false,
  copyBuffers: true,
});

/**
 * cbor-x's `RESET_BUFFER_MODE` (encode.js; not exported): the encoding is returned as a view and the
 * next one starts at the same offset. codec.test.ts checks that two encodings share their bytes.
 */
const RESET_BUFFER_MODE = 1024;
const modalEncoder = encoder as unknown as { encode(value: unknown, mode?: number): Uint8Array };

export interface EncodeOptions extends ValidateOptions {
  /** Largest encoded size accepted, in bytes. Default 16 MiB. */
  maxBytes?: number;
}

/**
 * Validates and encodes a value. Throws `INVALID_VALUE` (naming the path) for anything that is not a
 * storable `Value`, or when the encoding exceeds `maxBytes`. The value is read exactly once: one walk
 * checks it and builds a plain copy (`-0` already replaced by its codec marker), and the copy is what
 * gets encoded, so getters and proxies cannot change what is stored after it was checked.
 *
 * @example
 * const bytes = encodeValue({ plan: ['search', 'answer'] });
 * decodeValue(bytes); // { plan: ['search', 'answer'] }
 */
export function encodeValue(value: unknown, options?: EncodeOptions): Uint8Array {
  return checkedEncoding(value, options, 0);
}

/**
 * `encodeValue`, handing the encoding to `use` as a view of the codec's own buffer instead of
 * returning it: the view is valid only while `use` runs, so `use` copies what it keeps (the engine
 * copies it into the stored entry anyway). The codec then writes every value over the same bytes,
 * which spares an allocation per value and the garbage of a fresh 8 KiB buffer every few values.
 * `use` must not encode another value before it is done with the view.
 *
 * @example
 * const stored = encodeValueWith({ n: 1 }, undefined, (bytes) => Buffer.from(bytes), undefined); // a copy
 */
export function encodeValueWith<T, A>(
  value: unknown,
  options: EncodeOptions | undefined,
  use: (bytes: Uint8Array, arg: A) => T,
  arg: A,
): T {
  return use(checkedEncoding(value, options, RESET_BUFFER_MODE), arg);
}

function checkedEncoding(value: unknown, options: EncodeOptions | undefined, mode: number): Uint8Array {
  const max = options?.maxBytes ?? DEFAULT_MAX_VALUE_BYTES;
  const checked = walkValue(value, options, 'copy', negativeZero, max).result;
  const bytes = mode === 0 ? modalEncoder.encode(checked) : modalEncoder.encode(checked, mode);
  if (bytes.length > max) {
    const path = options?.name ?? 'value';
    throw new AgentDBError('INVALID_VALUE', `${path} is ${bytes.length} bytes encoded; the limit is ${max}`, {
      path,
    });
  }
  return bytes;
}

/**
 * Encodes a value the caller built itself and knows to be valid (no validation walk, no size limit).
 * For internal records such as the commit log; user input goes through `encodeValue`.
 *
 * @example
 * encodeTrusted([1, 'run-1', [new Uint8Array([1])]]);
 */
export function encodeTrusted(value: Value): Uint8Array {
  return encoder.encode(value);
}

/**
 * Decodes bytes produced by `encodeValue`. Byte strings come back as plain `Uint8Array`s (not Node
 * `Buffer`s), so a value read equals the value written. Undecodable bytes are `CORRUPTION`.
 *
 * @example
 * decodeValue(encodeValue(-0)); // -0
 */
export function decodeValue(bytes: Uint8Array): Value {
  // Decoding from a plain Uint8Array view makes cbor-x return byte strings as Uint8Array.
  const view =
    bytes.constructor === Uint8Array
      ? bytes
      : new Uint8Array(bytes.buffer, bytes.byteOffset, bytes.byteLength);
  try {
    return encoder.decode(view) as Value;
  } catch (cause) {
    throw new AgentDBError('CORRUPTION', `stored value cannot be decoded (${String(cause)})`, { cause });
  }
}
