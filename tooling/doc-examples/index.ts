import { execFile } from 'node:child_process';
import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { type DocExample, extractExamples } from './extract.js';
import { type GeneratedExample, generateExample } from './generate.js';

export type { DocExample } from './extract.js';
export { extractExamples } from './extract.js';

/** How one package's documentation examples are compiled and run. */
export interface DocExamplesConfig<F extends object> {
  /** The package directory (from a test file: `join(import.meta.dirname, '..')`). */
  dir: string;
  /**
   * Imports every example may use without writing them (module specifier as written in the test file
   * → names). Names an example imports itself, and names its own source file exports, take precedence.
   */
  imports: Readonly<Record<string, readonly string[]>>;
  /** The fixtures' type as examples see them, a TypeScript type literal: `{ db: Database; run: string }`. */
  fixtureType: string;
  /**
   * Fresh fixtures for one example, which runs with a fresh temporary directory as its working
   * directory (so `Database.open({ path: './agent-data' })` lands there).
   */
  open(example: DocExample): Promise<{ fixtures: F; dispose(): Promise<void> }>;
  /** Wraps a fragment that uses `tx` without declaring it into a transaction (code in, code out). */
  inTransaction?: (code: string) => string;
  /** Data every example may assume, stored before each runs. */
  seed?: (fixtures: F, example: DocExample) => Promise<void>;
  /** Data one example assumes (by id), stored before it runs (after `seed`). Each must name an example. */
  seeds?: Readonly<Record<string, (fixtures: F) => Promise<unknown>>>;
  /** Rewrites applied to every example's code before it is compiled (e.g. a server's address). */
  rewrite?: (code: string, example: DocExample) => string;
  /** Compiler options for the examples, over the repository's base (e.g. `lib` with `DOM`). */
  compilerOptions?: Readonly<Record<string, unknown>>;
  /**
   * Examples that run in a browser, not in this process (`match`): compiled to JavaScript like the
   * others and handed to `run` with the path of that JavaScript, which the package loads in a page.
   */
  browser?: {
    match(example: DocExample): boolean;
    run(example: DocExample, jsPath: string): Promise<void>;
  };
}

const ROOT = join(import.meta.dirname, '..', '..');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');
const run = promisify(execFile);

/** A console that keeps what an example prints, shown only when the example fails. */
function recordingConsole(): { console: Console; output: string[] } {
  const output: string[] = [];
  const record =
    (level: string) =>
    (...args: unknown[]) => {
      output.push(
        `${level}: ${args.map((a) => (typeof a === 'string' ? a : JSON.stringify(a, replacer))).join(' ')}`,
      );
    };
  const console = { ...globalThis.console };
  for (const level of ['log', 'info', 'warn', 'error', 'debug', 'dir', 'table'] as const) {
    (console as Record<string, unknown>)[level] = record(level);
  }
  return { console, output };
}

function replacer(_key: string, v: unknown): unknown {
  return typeof v === 'bigint' ? `${v}n` : v instanceof Uint8Array ? `bytes(${v.length})` : v;
}

/**
 * Registers the doc-examples tests of one package: every `@example` of `src/` and every fenced ts/js
 * block of its README is extracted, written as a module under `.doc-examples/`, type-checked with the
 * repository's `tsc` (one test), and run against fresh fixtures (one test per example). Examples
 * marked `// not run: reason` (or `<!-- not run: reason -->` before a README block) are neither
 * compiled nor run; one test lists them with their reasons.
 *
 * @example
 * docExamplesSuite({
 *   dir: join(import.meta.dirname, '..'),
 *   imports: { '../src/index.js': ['KVStore'], '@agentdb/engine': ['Database'] },
 *   fixtureType: '{ db: Database; kv: KVStore }',
 *   open: async () => { const db = await Database.open(); return { fixtures: { db, kv: new KVStore(db) }, dispose: () => db.close() }; },
 * });
 */
export function docExamplesSuite<F extends object>(config: DocExamplesConfig<F>): void {
  const outDir = join(config.dir, '.doc-examples');
  const examples = extractExamples(config.dir);
  const generated = examples.map((e, i) =>
    generateExample(e, i + 1, {
      dir: config.dir,
      outDir,
      imports: config.imports,
      fixtureType: config.fixtureType,
      ...(config.inTransaction ? { inTransaction: config.inTransaction } : {}),
      ...(config.rewrite ? { rewrite: config.rewrite } : {}),
    }),
  );
  const runnable = generated.filter((g) => g.example.notRun === undefined);
  const notRun = generated.filter((g) => g.example.notRun !== undefined);
  rmSync(outDir, { recursive: true, force: true });
  mkdirSync(outDir, { recursive: true });
  // Examples marked not run are neither compiled nor run: they may need what this package cannot have.
  for (const g of runnable) writeFileSync(g.path, g.text);
  writeFileSync(
    join(outDir, 'tsconfig.json'),
    `${JSON.stringify(
      {
        extends: relative(outDir, join(ROOT, 'tooling', 'tsconfig.base.json')),
        compilerOptions: {
          noEmit: true,
          rootDir: relative(outDir, ROOT),
          // Examples are written as users write code, not under this repository's strictest flags.
          noUncheckedIndexedAccess: false,
          exactOptionalPropertyTypes: false,
          verbatimModuleSyntax: false,
          allowUnreachableCode: true,
          noUnusedLocals: false,
          ...config.compilerOptions,
          // Browser examples run from JavaScript: compiling emits it, next to the modules, under js/.
          ...(config.browser === undefined
            ? {}
            : { noEmit: false, outDir: 'js', declaration: false, declarationMap: false, sourceMap: false }),
        },
        include: ['*.ts'],
      },
      null,
      2,
    )}\n`,
  );

  describe(`documentation examples (${examples.length}: ${runnable.length} run, ${notRun.length} marked not run)`, () => {
    let compiled: Promise<string[]> | undefined;
    const compile = () => {
      compiled ??= typeErrors(outDir, runnable);
      return compiled;
    };

    it('every example compiles (tsc, strict)', async () => {
      const problems = await compile();
      expect(problems, problems.join('\n')).toEqual([]);
    }, 120_000);

    it('every seed names an example', () => {
      const ids = new Set(examples.map((e) => e.id));
      expect(Object.keys(config.seeds ?? {}).filter((id) => !ids.has(id))).toEqual([]);
    });

    it(`lists the ${notRun.length} examples marked not run, each with its reason`, () => {
      for (const g of notRun) expect(g.example.notRun!.length, g.example.id).toBeGreaterThan(3);
      if (notRun.length > 0) {
        globalThis.console.log(
          `not run (${notRun.length}):\n${notRun.map((g) => `  ${g.example.id} — ${g.example.notRun}`).join('\n')}`,
        );
      }
    });

    for (const g of runnable) {
      const title = `${g.example.id} (${g.example.file}:${g.example.line})`;
      const browser = config.browser;
      if (browser?.match(g.example)) {
        it(`${title} [browser]`, async () => {
          await compile();
          const js = join(outDir, 'js', relative(ROOT, g.path)).replace(/\.ts$/, '.js');
          await browser.run(g.example, js);
        });
      } else {
        it(title, () => runExample(config, g));
      }
    }
  });
}

/** How long one example may run: below vitest's own limit, so the working directory is always restored. */
const EXAMPLE_TIMEOUT_MS = 30_000;

/** `p`, or an error once `ms` have passed. */
async function withDeadline<T>(p: Promise<T>, ms: number): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const deadline = new Promise<never>((_, reject) => {
    timer = setTimeout(() => reject(new Error(`did not finish within ${ms / 1000} s`)), ms);
  });
  try {
    return await Promise.race([p, deadline]);
  } finally {
    clearTimeout(timer);
  }
}

/** Runs one generated example in a fresh working directory against fresh fixtures. */
async function runExample<F extends object>(
  config: DocExamplesConfig<F>,
  g: GeneratedExample,
): Promise<void> {
  const cwd = process.cwd();
  const work = mkdtempSync(join(tmpdir(), 'agentdb-doc-example-'));
  const { console, output } = recordingConsole();
  process.chdir(work);
  const opened = await config.open(g.example);
  try {
    await config.seed?.(opened.fixtures, g.example);
    await config.seeds?.[g.example.id]?.(opened.fixtures);
    const mod = (await import(pathToFileURL(g.path).href)) as {
      default: (fixtures: F, console: Console) => Promise<unknown>;
    };
    await withDeadline(mod.default(opened.fixtures, console), EXAMPLE_TIMEOUT_MS);
  } catch (error) {
    const printed = output.length === 0 ? '' : `\nit printed:\n${output.join('\n')}`;
    throw new Error(
      `${g.example.id} (${g.example.file}:${g.example.line}) failed: ${String(error)}\n--- the example:\n${g.example.code}${printed}`,
      { cause: error },
    );
  } finally {
    await opened.dispose();
    process.chdir(cwd);
    rmSync(work, { recursive: true, force: true });
  }
}

/** Runs `tsc` over the generated modules; its errors, each named by the example (and line) it is in. */
async function typeErrors(outDir: string, generated: GeneratedExample[]): Promise<string[]> {
  const byFile = new Map(generated.map((g) => [g.path, g]));
  let out = '';
  try {
    await run(process.execPath, [TSC, '-p', join(outDir, 'tsconfig.json'), '--pretty', 'false'], {
      cwd: outDir,
      maxBuffer: 64 * 1024 * 1024,
    });
    return [];
  } catch (error) {
    const e = error as { stdout?: string; stderr?: string };
    out = `${e.stdout ?? ''}${e.stderr ?? ''}`;
  }
  const problems: string[] = [];
  for (const line of out.split('\n')) {
    if (line.trim() === '') continue;
    const m = /^(.+?)\((\d+),(\d+)\): (error .*)$/.exec(line);
    if (m === null) {
      if (problems.length > 0 && /^\s/.test(line)) problems[problems.length - 1] += `\n${line}`;
      else problems.push(line);
      continue;
    }
    const g = byFile.get(join(outDir, m[1]!)) ?? byFile.get(m[1]!);
    if (g === undefined) {
      problems.push(line);
      continue;
    }
    const at = Number(m[2]) - g.codeLine;
    const where =
      at >= 0 ? `${g.example.file}:${g.example.line + at}` : `${relative(outDir, g.path)}:${m[2]}`;
    problems.push(`${g.example.id} (${where}): ${m[4]}`);
  }
  return problems;
}
