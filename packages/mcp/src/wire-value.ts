import { AgentDBError, type Value } from '@agentdb/primitives';
import { z } from 'zod';
import { fromTypedJson, type TypedJson, toTypedJson } from './typed-json.js';

/** How values travel, said once for every schema that carries one. */
const TYPED_FORMS =
  'Any JSON value. Values JSON cannot carry use one-key objects: {"$bigint":"123"}, {"$bytes":"<base64>"}, ' +
  '{"$date":"<ISO 8601>"}, {"$number":"NaN"|"Infinity"|"-Infinity"|"-0"}; ' +
  'an object that itself has exactly one key starting with "$" is written {"$object":{…}}.';

/**
 * The schema of a stored value in tool arguments and results: any JSON, in the typed form above.
 *
 * @example
 * const input = { key: z.string(), value: valueSchema('the value to store') };
 */
export function valueSchema(description: string): z.ZodUnknown {
  return z.unknown().describe(`${description}. ${TYPED_FORMS}`);
}

/**
 * The `Value` a tool argument stands for. A malformed typed form is `INVALID_VALUE` naming the
 * argument path, before anything is written.
 *
 * @example
 * await db.kv.put('run-1', 'big', valueFromWire({ $bigint: '12' }, 'value')); // stores 12n
 */
export function valueFromWire(json: unknown, field: string): Value {
  try {
    return fromTypedJson(json, field);
  } catch (error) {
    const message = error instanceof Error ? error.message : String(error);
    throw new AgentDBError(
      'INVALID_VALUE',
      `${message} (a one-key object whose key starts with "$" is a typed form; to store such an object as it is, write {"$object": {…}})`,
      { path: message.slice(0, message.indexOf(':')) },
    );
  }
}

/**
 * The wire form of a stored value (lossless; see `valueSchema`).
 *
 * @example
 * valueToWire(12n); // { $bigint: '12' }
 */
export function valueToWire(value: Value): TypedJson {
  return toTypedJson(value);
}

/** `valueFromWire` for an optional argument: `undefined` stays `undefined`. */
export function optionalValueFromWire(json: unknown, field: string): Value | undefined {
  return json === undefined ? undefined : valueFromWire(json, field);
}
