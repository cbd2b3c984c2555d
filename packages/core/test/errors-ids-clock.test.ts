import { describe, expect, it } from 'vitest';
import { AgentDBError, isAgentDBError, newId, readClock, validateRunId } from '../src/index.js';

describe('AgentDBError', () => {
  it('carries a stable code and structured fields', () => {
    const e = new AgentDBError('VERSION_MISMATCH', 'expected 3, found 4', { expected: 3, actual: 4 });
    expect(e).toBeInstanceOf(Error);
    expect(e.code).toBe('VERSION_MISMATCH');
    expect([e.expected, e.actual]).toEqual([3, 4]);
    expect(e.message).toBe('VERSION_MISMATCH: expected 3, found 4');
    expect(isAgentDBError(e, 'VERSION_MISMATCH')).toBe(true);
    expect(isAgentDBError(e, 'CONFLICT')).toBe(false);
    expect(isAgentDBError(new Error('x'))).toBe(false);
  });

  it('keeps every structured field it is given, and the cause', () => {
    const cause = new Error('disk');
    const e = new AgentDBError('INVALID_TRANSITION', 'no', {
      from: 'done',
      to: 'active',
      path: 'a.b',
      attempts: 2,
      cause,
    });
    expect([e.from, e.to, e.path, e.attempts, e.cause]).toEqual(['done', 'active', 'a.b', 2, cause]);
    expect(e.expected).toBeUndefined();
  });
});

describe('ids and clock', () => {
  it('newId makes distinct valid run ids', () => {
    const ids = new Set(Array.from({ length: 1000 }, newId));
    expect(ids.size).toBe(1000);
    for (const id of ids) expect(() => validateRunId(id)).not.toThrow();
  });

  it('readClock insists on integer milliseconds', () => {
    expect(readClock(() => 5)).toBe(5);
    expect(() => readClock(() => 1.5)).toThrowError(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
    expect(() => readClock(() => -1)).toThrowError(expect.objectContaining({ code: 'INVALID_ARGUMENT' }));
  });
});
