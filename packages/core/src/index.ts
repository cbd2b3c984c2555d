export {
  type CheckedOptions,
  checkBoolean,
  checkFunction,
  checkId,
  checkInt,
  checkKnownName,
  checkNonNegativeInt,
  checkOneOf,
  checkOptions,
  checkPositiveInt,
  checkPositiveNumber,
  closestName,
  plainCopy,
} from './arguments.js';
export { type Clock, readClock, systemClock } from './clock.js';
export { decodeValue, type EncodeOptions, encodeTrusted, encodeValue, encodeValueWith } from './codec.js';
export { describe } from './describe.js';
export {
  AgentDBError,
  type ErrorCode,
  type ErrorDetails,
  invalidArgument,
  isAgentDBError,
} from './errors.js';
export { newId } from './ids.js';
export {
  compareKeys,
  type DecodedKey,
  decodeKey,
  type EncodedKey,
  Key,
  type KeyPart,
  type KeyRange,
  keySuccessor,
  MAX_KEY_BYTES,
  MAX_KEY_STRING_BYTES,
  runIdOfKey,
  runRange,
  SYSTEM_RUN_ID,
  systemRange,
  tagRange,
  textPrefixRange,
  userKeysRange,
  validateKeyString,
  validateRunId,
} from './keys.js';
export {
  assertTypeTag,
  type BuiltinTypeTag,
  FIRST_EXTENSION_TAG,
  LAST_EXTENSION_TAG,
  registeredTypeTags,
  registerTypeTag,
  TypeTag,
  typeTagName,
} from './type-tag.js';
export {
  DEFAULT_MAX_VALUE_BYTES,
  isValue,
  isValueObject,
  MAX_STORED_DEPTH,
  MAX_VALUE_DEPTH,
  snapshotValue,
  type ValidateOptions,
  type Value,
  type ValueShape,
  validateValue,
} from './value.js';
