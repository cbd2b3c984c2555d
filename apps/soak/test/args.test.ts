import { spawnSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseSoakArgs, USAGE } from '../src/args.js';

// The soak's command line: --help prints the usage; a bad command line is a usage error (exit 2, the
// reason and the usage), never a Node stack trace.

const main = fileURLToPath(new URL('../dist/main.js', import.meta.url));
const run = (args: string[]) =>
  spawnSync(process.execPath, [main, ...args], { encoding: 'utf8', timeout: 60_000 });

describe('parseSoakArgs', () => {
  it.each([
    [['--bogus'], "Unknown option '--bogus'"],
    [['--seconds'], 'argument missing'],
    [['--seconds', 'soon'], '--seconds needs a positive number'],
    [['--workers', '1.5'], '--workers needs a whole number'],
    [['--kill-every', '9-1'], '--kill-every needs <min>-<max>'],
    [['--durability', 'eventual'], '--durability must be strict, buffered or mixed'],
  ])('%j → TypeError: %s', (args, message) => {
    expect(() => parseSoakArgs(args)).toThrow(message);
  });
});

describe('the soak program', () => {
  it('--help prints the usage and exits 0 without starting a writer', () => {
    const r = run(['--help']);
    expect(r.status).toBe(0);
    expect(r.stdout).toBe(`${USAGE}\n`);
  });

  it('an unknown option exits 2 with the reason and the usage, no stack trace', () => {
    const r = run(['--bogus']);
    expect(r.status).toBe(2);
    expect(r.stderr).toContain("Unknown option '--bogus'");
    expect(r.stderr).toContain('Usage: pnpm soak');
    expect(r.stderr).not.toMatch(/ERR_PARSE_ARGS|\n\s+at /);
  });
});
