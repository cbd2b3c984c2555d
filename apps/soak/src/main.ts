#!/usr/bin/env node
import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { AgentDB } from '@agentdb/primitives';
import { parseSoakArgs, type SoakArgs, USAGE } from './args.js';
import { checkDatabase } from './checks.js';
import { supervise } from './supervisor.js';
import { setUpBank } from './workload.js';

async function main(argv: readonly string[]): Promise<number> {
  let args: SoakArgs;
  try {
    args = parseSoakArgs(argv);
  } catch (e) {
    process.stderr.write(`${(e as Error).message}\n\n${USAGE}\n`);
    return 2;
  }
  if (args.help) {
    process.stdout.write(`${USAGE}\n`);
    return 0;
  }
  const say = (line: string) => {
    if (!args.json) process.stdout.write(`${line}\n`);
  };
  const dir = args.dir === undefined ? mkdtempSync(join(tmpdir(), 'agentdb-soak-')) : resolve(args.dir);
  const setup = await AgentDB.open({ path: dir });
  await setUpBank(setup);
  await setup.close();
  say(
    `soak: ${args.workers} writers on ${dir} for ${args.seconds} s, one killed every ${args.killMinMs}-${args.killMaxMs} ms`,
  );

  const began = Date.now();
  const reports = await supervise({
    dir,
    seconds: args.seconds,
    workers: args.workers,
    killMinMs: args.killMinMs,
    killMaxMs: args.killMaxMs,
    durabilityOf: (w) =>
      args.durability === 'mixed' ? (w % 2 === 0 ? 'strict' : 'buffered') : args.durability,
    onProgress: (r, ms) => {
      if (ms % 30_000 < 1000)
        say(
          `  ${Math.round(ms / 1000)} s: ${r.kills} kills, ${r.acked.transfer.length} transfers acknowledged`,
        );
    },
  });
  const db = await AgentDB.open({ path: dir });
  let result: Awaited<ReturnType<typeof checkDatabase>>;
  try {
    result = await checkDatabase(db, reports);
  } finally {
    await db.close();
  }
  const ok = result.problems.length === 0 && Object.keys(reports.errors).every((code) => code === 'CONFLICT');
  const summary = {
    ok,
    seconds: Math.round((Date.now() - began) / 1000),
    workers: args.workers,
    durability: args.durability,
    kills: reports.kills,
    acknowledged: Object.fromEntries(Object.entries(reports.acked).map(([k, ids]) => [k, ids.length])),
    transfersCommitted: result.transfersCommitted,
    jobRuns: result.jobRuns,
    lostAcknowledged: result.lostAcknowledged,
    staleStartsRepaired: reports.staleStarts,
    workerErrors: reports.errors,
    errorSamples: reports.errorSamples,
    problems: result.problems,
    dir: ok && !args.keep ? undefined : dir,
  };
  say(ok ? 'soak: every check passed' : 'soak: FAILED');
  for (const p of result.problems) say(`  problem: ${p}`);
  process.stdout.write(`${JSON.stringify(summary)}\n`);
  if (ok && !args.keep) rmSync(dir, { recursive: true, force: true });
  return ok ? 0 : 1;
}

process.exitCode = await main(process.argv.slice(2));
