import { rmSync } from 'node:fs';
import { tempDir } from '@agentdb/engine/testing';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { agentdb, type CliResult, inProcess } from './helpers/cli.js';
import { buildFixture, type Fixture, RUN } from './helpers/fixture.js';

// Every way to call the CLI wrongly: one line on stderr ("agentdb: …"), nothing on stdout, no stack
// trace, exit 2 for bad usage and 1 for things that are not there. The whole table runs through the
// built runCli in-process; one case of each kind (marked "binary") also runs the binary itself.

let f: Fixture;
let empty: string;
beforeAll(async () => {
  f = await buildFixture();
  empty = tempDir('agentdb-cli-empty-');
});
afterAll(() => {
  rmSync(f.dir, { recursive: true, force: true });
  rmSync(empty, { recursive: true, force: true });
});

const DIR = '<fixture>';
const EMPTY = '<empty>';

type Case = [name: string, binary: boolean, args: string[], exitCode: number, message: RegExp];

const CASES: Case[] = [
  ['no arguments', true, [], 2, /^missing <dir> and command/],
  ['a directory without a command', false, [DIR], 2, /^missing command after .*; one of: runs, run, events/],
  ['a command without a directory', false, ['runs'], 2, /^missing <dir>; usage: agentdb <dir> runs/],
  [
    'a missing directory',
    true,
    ['/nonexistent/agentdb', 'runs'],
    1,
    /^no such directory: \/nonexistent\/agentdb$/,
  ],
  [
    'a directory without a database',
    true,
    [EMPTY, 'stats'],
    1,
    /^no AgentDB database at .* \(expected .*data\.mdb\)$/,
  ],
  ['an unknown run', true, [DIR, 'run', 'nope'], 1, /^unknown run "nope" in /],
  ['an unknown run for events', false, [DIR, 'events', 'nope'], 1, /^unknown run "nope" in /],
  ['an unknown run for export', false, [DIR, 'export', 'nope'], 1, /^unknown run "nope" in /],
  ['an invalid run id', true, [DIR, 'kv', 'bad/id'], 2, /^run id "bad\/id" is invalid/],
  ['an unknown command', false, [DIR, 'bogus'], 2, /^unknown command 'bogus'$/],
  ['an unknown option before the directory', true, ['--bogus'], 2, /^unknown option '--bogus'$/],
  [
    'an unknown option',
    true,
    [DIR, 'runs', '--stauts', 'x'],
    2,
    /^unknown option '--stauts' \(Did you mean --status\?\)$/,
  ],
  [
    'a bad status',
    true,
    [DIR, 'runs', '--status', 'done'],
    2,
    /argument 'done' is invalid\. Allowed choices are active, /,
  ],
  [
    'a negative --from',
    false,
    [DIR, 'events', RUN.main, '--from', '-1'],
    2,
    /'--from <n>' argument '-1' is invalid/,
  ],
  ['a missing argument', true, [DIR, 'run'], 2, /^missing required argument 'run'$/],
  ['too many arguments', false, [DIR, 'state', RUN.main, 'a', 'b'], 2, /^too many arguments for 'state'/],
  ['kv get without a key', false, [DIR, 'kv', RUN.main, 'get'], 2, /^kv get needs a key/],
  ['a bad kv action', false, [DIR, 'kv', RUN.main, 'fetch'], 2, /Allowed choices are list, get\.$/],
  ['a missing key', false, [DIR, 'kv', RUN.main, 'get', 'nope'], 1, /^no key "nope" in run "triage-1"$/],
  ['a missing cell', false, [DIR, 'state', RUN.main, 'nope'], 1, /^no state cell "nope" in run "triage-1"$/],
  [
    'an unknown trace',
    false,
    [DIR, 'traces', RUN.main, '--tree', 'nope'],
    1,
    /^unknown trace "nope" in run "triage-1"/,
  ],
  ['--tree with a filter', false, [DIR, 'traces', RUN.main, '--tree', '--tag', 'x'], 2, /cannot be combined/],
  ['import of nothing', true, [DIR, 'import'], 1, /^import: the input is empty/],
  ['help for an unknown command', true, ['help', 'bogus'], 2, /^unknown command 'bogus'; one of: runs, run/],
];

function expectOneLine(r: CliResult, exitCode: number, message: RegExp): void {
  expect(r.stdout).toBe('');
  expect(r.stderr.endsWith('\n')).toBe(true);
  expect(r.stderr.trimEnd().split('\n')).toHaveLength(1);
  expect(r.stderr).toMatch(/^agentdb: /);
  expect(r.stderr.trimEnd().slice('agentdb: '.length)).toMatch(message);
  expect(r.code).toBe(exitCode);
}

const resolve = (args: string[]) => args.map((a) => (a === DIR ? f.dir : a === EMPTY ? empty : a));

describe('bad invocations', () => {
  it.each(CASES)(
    '%s → one line on stderr and its exit status',
    async (_, _binary, args, exitCode, message) => {
      expectOneLine(await inProcess(resolve(args)), exitCode, message);
    },
  );

  it.concurrent.each(CASES.filter((c) => c[1]))('binary: %s', async (_, _binary, args, exitCode, message) => {
    expectOneLine(await agentdb(resolve(args)), exitCode, message);
  });
});

describe('help', () => {
  it.concurrent.each([
    ['agentdb --help', ['--help'], /^Usage: agentdb <dir> \[options\] \[command\]/],
    ['agentdb -h', ['-h'], /^Usage: agentdb <dir>/],
    ['agentdb <dir> runs --help', [DIR, 'runs', '--help'], /^Usage: agentdb <dir> runs \[options\]/],
    // Help needs no database directory.
    ['agentdb help', ['help'], /^Usage: agentdb <dir> \[options\] \[command\]/],
    ['agentdb help runs', ['help', 'runs'], /^Usage: agentdb <dir> runs \[options\]/],
    ['agentdb runs --help', ['runs', '--help'], /^Usage: agentdb <dir> runs \[options\]/],
    ['agentdb events -h', ['events', '-h'], /^Usage: agentdb <dir> events \[options\] <run>/],
    ['agentdb help mcp', ['help', 'mcp'], /^Usage: agentdb <dir> mcp \[options\]/],
  ])('binary: %s prints the usage on stdout and exits 0', async (_, args, usage) => {
    const r = await agentdb(resolve(args));
    expect(r.code).toBe(0);
    expect(r.stdout).toMatch(usage);
    expect(r.stderr).toBe('');
  });
});
