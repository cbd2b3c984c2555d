import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { type TraceType, typeName, validateTraceType } from '../src/index.js';
import { expectCode, type Fixture, fixture, reopen, traceKeys } from './helpers.js';

const RUN = 'run-types';

const variants: [string, TraceType][] = [
  [
    'tool_call with every field',
    {
      type: 'tool_call',
      toolName: 'search',
      arguments: { q: 'lmdb', n: 10n ** 20n, at: new Date(0), raw: new Uint8Array([1, 2]), z: -0 },
      result: [{ title: 'x', score: 0.5 }, null],
      durationMs: 12.5,
    },
  ],
  ['tool_call minimal', { type: 'tool_call', toolName: 't', arguments: null }],
  [
    'decision',
    { type: 'decision', question: 'which?', options: ['a', 'b', ''], chosen: 'b', reasoning: 'cheaper' },
  ],
  ['decision without options or reasoning', { type: 'decision', question: '', options: [], chosen: 'x' }],
  ['query', { type: 'query', queryType: 'vector', query: 'cats', resultsCount: 0 }],
  ['query minimal', { type: 'query', queryType: 'sql', query: 'select 1' }],
  ['thought', { type: 'thought', content: 'maybe 🤔', confidence: 1 }],
  ['thought minimal', { type: 'thought', content: '' }],
  ['error', { type: 'error', errorType: 'Timeout', message: 'took too long', recoverable: false }],
  ['custom', { type: 'custom', name: 'plan-step', data: { steps: ['a', 'b'], n: 2 } }],
];

describe('TraceType', () => {
  let f: Fixture;
  beforeEach(async () => {
    f = await fixture();
  });
  afterEach(() => f.t.dispose());

  it.each(variants)('%s round-trips through the store unchanged', async (_name, traceType) => {
    const id = await f.traces.record(RUN, traceType, { tags: ['x'], metadata: { m: 1 } });
    const stored = await f.traces.get(RUN, id);
    expect(stored).toEqual({ id, traceType, timestamp: f.clock(), tags: ['x'], metadata: { m: 1 } });
    expect(Object.is((stored!.traceType as { arguments?: { z?: number } }).arguments?.z, -0)).toBe(
      traceType.type === 'tool_call' && traceType.toolName === 'search',
    );
    // It is listed under its type name, after a reopen too (the data is really on disk).
    await reopen(f);
    expect((await f.traces.queryByType(RUN, typeName(traceType))).map((t) => t.id)).toEqual([id]);
  });

  it('typeName is the discriminant, except a custom trace is named by its name', () => {
    expect(typeName({ type: 'thought', content: 'x' })).toBe('thought');
    expect(typeName({ type: 'error', errorType: 'E', message: 'm', recoverable: true })).toBe('error');
    expect(typeName({ type: 'custom', name: 'reflection', data: null })).toBe('reflection');
  });

  it('drops optional fields given as undefined instead of storing them', async () => {
    const loose = { type: 'thought', content: 'x', confidence: undefined } as unknown as TraceType;
    expect(validateTraceType(loose)).toEqual({ type: 'thought', content: 'x' });
    const id = await f.traces.record(RUN, loose);
    expect(Object.keys((await f.traces.get(RUN, id))!.traceType)).toEqual(['type', 'content']);
  });

  const sparse: unknown[] = ['a', 'b'];
  sparse[3] = 'd';
  const malformed: [string, unknown, string, RegExp][] = [
    ['not an object', 'thought', 'INVALID_ARGUMENT', /traceType must be an object/],
    ['null', null, 'INVALID_ARGUMENT', /traceType must be an object/],
    ['an array', [], 'INVALID_ARGUMENT', /traceType must be an object/],
    ['a class instance', new (class Step {})(), 'INVALID_ARGUMENT', /traceType must be a plain object/],
    ['no type', { content: 'x' }, 'INVALID_ARGUMENT', /traceType\.type must be one of/],
    [
      'unknown type',
      { type: 'plan', content: 'x' },
      'INVALID_ARGUMENT',
      /traceType\.type must be one of .*"plan"/,
    ],
    ['type of the wrong case', { type: 'Thought', content: 'x' }, 'INVALID_ARGUMENT', /traceType\.type/],
    [
      'unknown field',
      { type: 'thought', content: 'x', confidnce: 0.5 },
      'INVALID_ARGUMENT',
      /traceType\.confidnce is not a field of a 'thought' trace/,
    ],
    [
      'tool_call without toolName',
      { type: 'tool_call', arguments: {} },
      'INVALID_ARGUMENT',
      /traceType\.toolName is required/,
    ],
    [
      'tool_call with empty toolName',
      { type: 'tool_call', toolName: '', arguments: {} },
      'INVALID_ARGUMENT',
      /traceType\.toolName must not be empty/,
    ],
    [
      'tool_call with numeric toolName',
      { type: 'tool_call', toolName: 7, arguments: {} },
      'INVALID_ARGUMENT',
      /traceType\.toolName must be a string, got 7/,
    ],
    [
      'tool_call without arguments',
      { type: 'tool_call', toolName: 't' },
      'INVALID_ARGUMENT',
      /traceType\.arguments is required \(use null/,
    ],
    [
      'tool_call with a function in arguments',
      { type: 'tool_call', toolName: 't', arguments: { fn: () => 1 } },
      'INVALID_VALUE',
      /traceType\.arguments\.fn is a function/,
    ],
    [
      'tool_call with a Map result',
      { type: 'tool_call', toolName: 't', arguments: 1, result: new Map() },
      'INVALID_VALUE',
      /traceType\.result is an instance of Map/,
    ],
    [
      'tool_call with negative durationMs',
      { type: 'tool_call', toolName: 't', arguments: 1, durationMs: -1 },
      'INVALID_ARGUMENT',
      /traceType\.durationMs must be a finite number ≥ 0/,
    ],
    [
      'tool_call with NaN durationMs',
      { type: 'tool_call', toolName: 't', arguments: 1, durationMs: Number.NaN },
      'INVALID_ARGUMENT',
      /traceType\.durationMs/,
    ],
    [
      'tool_call with string durationMs',
      { type: 'tool_call', toolName: 't', arguments: 1, durationMs: '5' },
      'INVALID_ARGUMENT',
      /traceType\.durationMs/,
    ],
    [
      'decision with a number among options',
      { type: 'decision', question: 'q', options: ['a', 'b', 3], chosen: 'a' },
      'INVALID_ARGUMENT',
      /traceType\.options\[2\] must be a string, got 3/,
    ],
    [
      'decision with a hole in options',
      { type: 'decision', question: 'q', options: sparse, chosen: 'a' },
      'INVALID_ARGUMENT',
      /traceType\.options\[2\] must be a string, got undefined/,
    ],
    [
      'decision with options not an array',
      { type: 'decision', question: 'q', options: 'a,b', chosen: 'a' },
      'INVALID_ARGUMENT',
      /traceType\.options must be an array of strings/,
    ],
    [
      'decision without chosen',
      { type: 'decision', question: 'q', options: ['a'] },
      'INVALID_ARGUMENT',
      /traceType\.chosen is required/,
    ],
    [
      'decision with null question',
      { type: 'decision', question: null, options: [], chosen: 'a' },
      'INVALID_ARGUMENT',
      /traceType\.question must be a string, got null/,
    ],
    [
      'decision with numeric reasoning',
      { type: 'decision', question: 'q', options: [], chosen: 'a', reasoning: 1 },
      'INVALID_ARGUMENT',
      /traceType\.reasoning must be a string/,
    ],
    [
      'query with empty queryType',
      { type: 'query', queryType: '', query: 'x' },
      'INVALID_ARGUMENT',
      /traceType\.queryType must not be empty/,
    ],
    [
      'query without query',
      { type: 'query', queryType: 'sql' },
      'INVALID_ARGUMENT',
      /traceType\.query is required/,
    ],
    [
      'query with fractional resultsCount',
      { type: 'query', queryType: 'sql', query: 'x', resultsCount: 1.5 },
      'INVALID_ARGUMENT',
      /traceType\.resultsCount must be a non-negative integer/,
    ],
    [
      'query with negative resultsCount',
      { type: 'query', queryType: 'sql', query: 'x', resultsCount: -1 },
      'INVALID_ARGUMENT',
      /traceType\.resultsCount/,
    ],
    ['thought without content', { type: 'thought' }, 'INVALID_ARGUMENT', /traceType\.content is required/],
    [
      'thought with object content',
      { type: 'thought', content: { text: 'x' } },
      'INVALID_ARGUMENT',
      /traceType\.content must be a string/,
    ],
    [
      'thought with confidence above 1',
      { type: 'thought', content: 'x', confidence: 1.5 },
      'INVALID_ARGUMENT',
      /traceType\.confidence must be a number from 0 to 1/,
    ],
    [
      'thought with NaN confidence',
      { type: 'thought', content: 'x', confidence: Number.NaN },
      'INVALID_ARGUMENT',
      /traceType\.confidence/,
    ],
    [
      'error with string recoverable',
      { type: 'error', errorType: 'E', message: 'm', recoverable: 'yes' },
      'INVALID_ARGUMENT',
      /traceType\.recoverable must be a boolean/,
    ],
    [
      'error without errorType',
      { type: 'error', message: 'm', recoverable: true },
      'INVALID_ARGUMENT',
      /traceType\.errorType is required/,
    ],
    ['custom without name', { type: 'custom', data: 1 }, 'INVALID_ARGUMENT', /traceType\.name is required/],
    [
      'custom with empty name',
      { type: 'custom', name: '', data: 1 },
      'INVALID_ARGUMENT',
      /traceType\.name must not be empty/,
    ],
    [
      'custom with a 600-byte name',
      { type: 'custom', name: 'n'.repeat(600), data: 1 },
      'INVALID_ARGUMENT',
      /traceType\.name is 600 bytes/,
    ],
    [
      'custom with a control character in name',
      { type: 'custom', name: 'a\u0001b', data: 1 },
      'INVALID_ARGUMENT',
      /traceType\.name must not contain/,
    ],
    [
      'custom named like a built-in',
      { type: 'custom', name: 'thought', data: 1 },
      'INVALID_ARGUMENT',
      /traceType\.name must not be a built-in type name/,
    ],
    ['custom without data', { type: 'custom', name: 'n' }, 'INVALID_ARGUMENT', /traceType\.data is required/],
    [
      'custom with cyclic data',
      (() => {
        const d: Record<string, unknown> = {};
        d.self = d;
        return { type: 'custom', name: 'n', data: d };
      })(),
      'INVALID_VALUE',
      /traceType\.data\.self is a circular reference/,
    ],
  ];

  it.each(malformed)(
    '%s is refused naming the field, and nothing is written',
    async (_name, input, code, message) => {
      expect(() => validateTraceType(input)).toThrow(message);
      await expectCode(f.traces.record(RUN, input as TraceType), code, message);
      const parent = await f.traces.record(RUN, { type: 'thought', content: 'p' });
      const before = await traceKeys(f.db, RUN);
      await expectCode(f.traces.recordChild(RUN, parent, input as TraceType), code, message);
      expect(await traceKeys(f.db, RUN)).toEqual(before);
      expect(await f.traces.count(RUN)).toBe(1);
    },
  );
});
