import { isAgentDBError } from '@agentdb/primitives';
import { describe, expect, it } from 'vitest';
import { RunScope } from '../src/index.js';

describe('RunScope', () => {
  it('allows every run when unconfined, and makes fresh ids', () => {
    const scope = RunScope.parse(undefined);
    expect(scope.confined).toBe(false);
    expect(scope.allows('anything')).toBe(true);
    expect(scope.newRunId()).toMatch(/^[A-Za-z0-9_-]{21}$/);
  });

  it('allows exactly the listed ids and the ids starting with a listed prefix', () => {
    const scope = RunScope.parse(['a', 'job-*']);
    expect(scope.confined).toBe(true);
    expect(['a', 'job-', 'job-1'].map((r) => scope.allows(r))).toEqual([true, true, true]);
    expect(['b', 'ab', 'a-1', 'jo', 'xjob-1'].map((r) => scope.allows(r))).toEqual([
      false,
      false,
      false,
      false,
      false,
    ]);
    expect(scope.newRunId()).toMatch(/^job-[A-Za-z0-9_-]{21}$/);
    expect(scope.describe()).toBe('run "a", runs starting with "job-"');
  });

  it('refuses a run outside with INVALID_ARGUMENT naming what is allowed', () => {
    const scope = RunScope.parse(['a', 'b']);
    expect(() => scope.check('c')).toThrow(
      /run "c" is outside this server's scope; it may only use runs "a", "b"/,
    );
    expect(() => scope.newRunId()).toThrow(/run_id is required/);
  });

  it.each([[[]], [['']], [['../x']], [['*']], [[`${'p'.repeat(44)}*`]], [['a b']]])(
    'refuses the entries %j',
    (entries) => {
      let thrown: unknown;
      try {
        RunScope.parse(entries);
      } catch (e) {
        thrown = e;
      }
      expect(isAgentDBError(thrown, 'INVALID_ARGUMENT')).toBe(true);
    },
  );

  it('keeps generated ids within the 64-character limit for the longest prefix', () => {
    const id = RunScope.parse([`${'p'.repeat(43)}*`]).newRunId();
    expect(id).toHaveLength(64);
  });
});
