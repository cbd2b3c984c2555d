import { z } from 'zod';
import { defineTool } from './tool.js';
import { runIdSchema } from './wire-run.js';
import { valueFromWire, valueSchema, valueToWire } from './wire-value.js';
import { defineWriteOp } from './write-op.js';

const nameSchema = z.string().min(1).describe('The cell’s name: 1–512 bytes of UTF-8');
const versionOutput = {
  name: z.string(),
  version: z.number().describe('The cell’s version after the write'),
};

/** `state_read`: a cell's value and version. */
export const stateRead = defineTool({
  name: 'state_read',
  title: 'Read a state cell',
  description:
    'Reads a versioned state cell: its value, version and last update time. Pass the version to state_cas to change the cell only if nobody changed it since. found is false when the cell does not exist.',
  input: { run_id: runIdSchema, name: nameSchema },
  output: {
    found: z.boolean(),
    value: valueSchema('The value, when found').optional(),
    version: z.number().optional().describe('Starts at 1, +1 per write'),
    updated_at: z.number().optional().describe('ms since the epoch'),
  },
  access: 'read',
  async run({ run_id, name }, { db }) {
    const state = await db.state.read(run_id, name);
    if (state === undefined) return { found: false };
    return {
      found: true,
      value: valueToWire(state.value),
      version: state.version,
      updated_at: state.updatedAt,
    };
  },
  summary: (r, a) =>
    r.found
      ? `state "${a.name}" of run ${a.run_id} at version ${r.version}:`
      : `no state "${a.name}" in run ${a.run_id}`,
});

/** `state_init`: create a cell at version 1. */
export const stateInit = defineWriteOp({
  name: 'state_init',
  title: 'Create a state cell',
  description:
    'Creates a versioned state cell with its first value (version 1). Fails with ALREADY_EXISTS if the cell exists: read it with state_read instead.',
  args: { name: nameSchema, value: valueSchema('The first value') },
  output: versionOutput,
  async apply(tx, { name, value }) {
    const version = await tx.state.init(name, valueFromWire(value, 'value'));
    return () => ({ name, version });
  },
  summary: (r, run) => `created state "${r.name}" in run ${run} at version ${r.version}`,
});

/** `state_cas`: compare-and-swap on a cell's version. */
export const stateCas = defineWriteOp({
  name: 'state_cas',
  title: 'Compare-and-swap a state cell',
  description:
    'Writes a new value only if the cell is still at expected_version (as read with state_read), and returns the new version. If another agent changed it first, fails with VERSION_MISMATCH (expected, actual) and writes nothing: read again, decide again, retry. Of several agents racing on one version, exactly one wins.',
  args: {
    name: nameSchema,
    expected_version: z.number().int().describe('The version you read'),
    value: valueSchema('The new value'),
  },
  output: versionOutput,
  async apply(tx, { name, expected_version, value }) {
    const version = await tx.state.cas(name, expected_version, valueFromWire(value, 'value'));
    return () => ({ name, version });
  },
  summary: (r, run) => `state "${r.name}" of run ${run} is now at version ${r.version}`,
});

/** `state_set`: write a cell whatever its version. */
export const stateSet = defineWriteOp({
  name: 'state_set',
  title: 'Set a state cell',
  description:
    'Writes a state cell whatever its current version (creating it at version 1 if missing) and returns the new version. To coordinate with other agents, use state_cas instead.',
  args: { name: nameSchema, value: valueSchema('The new value') },
  output: versionOutput,
  destructive: true,
  async apply(tx, { name, value }) {
    const version = await tx.state.set(name, valueFromWire(value, 'value'));
    return () => ({ name, version });
  },
  summary: (r, run) => `state "${r.name}" of run ${run} is now at version ${r.version}`,
});
