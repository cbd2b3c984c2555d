import { AgentDBError, type Value } from '@agentdb/core';
import type { Attributes, AttributeValue } from '@opentelemetry/api';
import { SuperJSON, type SuperJSONResult } from 'superjson';
import { VALUE_TYPES } from './attributes.js';

// A private instance: classes an application registers on the default one must not change our encoding.
const codec = new SuperJSON();

type TypeAnnotations = NonNullable<SuperJSONResult['meta']>;

/**
 * Builds the attributes of one span, writing `Value` fields as JSON strings (what the GenAI conventions
 * ask for `gen_ai.tool.call.arguments`, and what every backend can show). What JSON cannot say exactly
 * (bigint, bytes, dates, -0, NaN, ±Infinity) is annotated in one extra attribute, `agentdb.value_types`,
 * so the importer restores the value bit for bit; plain JSON values need no annotation.
 *
 * @example
 * const b = new SpanAttributes();
 * b.value('gen_ai.tool.call.arguments', { q: 'lmdb', limit: 10n });
 * b.finish(); // { 'gen_ai.tool.call.arguments': '{"q":"lmdb","limit":"10"}', 'agentdb.value_types': '…' }
 */
export class SpanAttributes {
  readonly #attributes: Attributes = {};
  readonly #types: Record<string, TypeAnnotations> = {};

  /** Sets a plain attribute; `undefined` leaves it out. */
  set(key: string, value: AttributeValue | undefined): this {
    if (value !== undefined) this.#attributes[key] = value;
    return this;
  }

  /** Sets `key` to the JSON text of `value`, noting the types JSON cannot carry. */
  value(key: string, value: Value | undefined): this {
    if (value === undefined) return this;
    const { json, meta } = codec.serialize(value);
    this.#attributes[key] = JSON.stringify(json);
    if (meta !== undefined) this.#types[key] = meta;
    return this;
  }

  /** The attributes, with the type annotations if any value needed them. */
  finish(): Attributes {
    if (Object.keys(this.#types).length > 0) this.#attributes[VALUE_TYPES] = JSON.stringify(this.#types);
    return this.#attributes;
  }
}

/**
 * Reads the attributes `SpanAttributes` wrote: `value(key)` restores the exact `Value`. A malformed
 * attribute is `INVALID_ARGUMENT` naming it (the span did not come from this package, or was altered).
 *
 * @example
 * const r = new AttributeReader(span.attributes);
 * r.value('gen_ai.tool.call.arguments'); // { q: 'lmdb', limit: 10n }
 */
export class AttributeReader {
  readonly attributes: Attributes;
  readonly #types: Record<string, TypeAnnotations>;

  constructor(attributes: Attributes) {
    this.attributes = attributes;
    const types = attributes[VALUE_TYPES];
    this.#types =
      types === undefined ? {} : (parseJson(VALUE_TYPES, types) as Record<string, TypeAnnotations>);
    if (this.#types === null || typeof this.#types !== 'object' || Array.isArray(this.#types)) {
      throw invalidAttribute(VALUE_TYPES, 'must be a JSON object');
    }
  }

  /** The string attribute `key`; `undefined` when absent; INVALID_ARGUMENT when not a string. */
  string(key: string): string | undefined {
    const v = this.attributes[key];
    if (v === undefined || typeof v === 'string') return v;
    throw invalidAttribute(key, `must be a string, got ${typeof v}`);
  }

  /** The number attribute `key`, or `undefined`. */
  number(key: string): number | undefined {
    const v = this.attributes[key];
    if (v === undefined || typeof v === 'number') return v;
    throw invalidAttribute(key, `must be a number, got ${typeof v}`);
  }

  /** The boolean attribute `key`, or `undefined`. */
  boolean(key: string): boolean | undefined {
    const v = this.attributes[key];
    if (v === undefined || typeof v === 'boolean') return v;
    throw invalidAttribute(key, `must be a boolean, got ${typeof v}`);
  }

  /** The string-array attribute `key`, or `undefined`. */
  strings(key: string): string[] | undefined {
    const v = this.attributes[key];
    if (v === undefined) return undefined;
    if (Array.isArray(v) && v.every((s) => typeof s === 'string')) return v as string[];
    throw invalidAttribute(key, 'must be an array of strings');
  }

  /** The `Value` written by `SpanAttributes.value(key, …)`, or `undefined`. */
  value(key: string): Value | undefined {
    const text = this.string(key);
    if (text === undefined) return undefined;
    const json = parseJson(key, text);
    const meta = this.#types[key];
    return (meta === undefined ? json : codec.deserialize({ json, meta } as SuperJSONResult)) as Value;
  }
}

/** JSON text → value; INVALID_ARGUMENT naming the attribute when it is not JSON. */
function parseJson(key: string, text: AttributeValue): unknown {
  if (typeof text !== 'string') throw invalidAttribute(key, 'must be a JSON string');
  try {
    return JSON.parse(text);
  } catch {
    throw invalidAttribute(key, 'is not valid JSON');
  }
}

function invalidAttribute(key: string, problem: string): AgentDBError {
  return new AgentDBError('INVALID_ARGUMENT', `attribute ${key} ${problem}`);
}
