import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseBenchArgs, USAGE } from '../src/args.js';
import { FULL, QUICK, TINY } from '../src/config.js';

// The bench's command line: --help prints the usage, and every bad command line is a usage error
// (exit 2, a one-line reason and the usage) — never a Node stack trace (ERR_PARSE_ARGS_UNKNOWN_OPTION).

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const run = (args: string[]) =>
  spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', timeout: 60_000 });

describe('parseBenchArgs', () => {
  it('reads the modes, groups and output directory', () => {
    expect(parseBenchArgs([])).toEqual({ config: FULL, only: undefined, out: undefined, help: false });
    expect(parseBenchArgs(['--', '--quick', '--only', 'kv, events', '--out', 'r'])).toEqual({
      config: QUICK,
      only: ['kv', 'events'],
      out: 'r',
      help: false,
    });
    expect(parseBenchArgs(['--tiny', '-h'])).toMatchObject({ config: TINY, help: true });
  });

  it.each([
    [['--bogus'], "Unknown option '--bogus'"],
    [['--quik'], "Unknown option '--quik'"],
    [['--only'], 'argument missing'],
    [['--only', 'kv,nope'], 'unknown group "nope"'],
    [['--quick', '--tiny'], 'cannot be combined'],
    [['--out', ''], '--out needs a directory'],
    [['positional'], 'positional'],
  ])('%j → TypeError: %s', (args, message) => {
    expect(() => parseBenchArgs(args)).toThrow(message);
  });
});

describe('the bench program', () => {
  it('--help prints the usage and exits 0 without measuring anything', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${USAGE}\n`);
    expect(r.stderr).toBe('');
  });

  it.each([[['--bogus']], [['--only', 'nope']], [['--tiny', '--quick']]])(
    '%j exits 2 with the reason and the usage, no stack trace',
    (args) => {
      const r = run(args);
      expect(r.status).toBe(2);
      expect(r.stderr).toContain('Usage: node apps/bench/dist/main.js');
      expect(r.stderr).not.toMatch(/ERR_PARSE_ARGS|\n\s+at /);
      expect(r.stdout).toBe('');
    },
  );
});
