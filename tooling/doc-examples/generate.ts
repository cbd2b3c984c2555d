import { readFileSync } from 'node:fs';
import { dirname, join, relative } from 'node:path';
import type { DocExample } from './extract.js';

/** How a package's examples are turned into modules (see `DocExamplesConfig`). */
export interface GenerateOptions {
  /** The package directory. */
  dir: string;
  /** Where the modules are written (inside `dir`). */
  outDir: string;
  /** Imports every example gets: module specifier (as written in the package's tests) → names. */
  imports: Readonly<Record<string, readonly string[]>>;
  /** The fixtures' type, as a TypeScript type literal. */
  fixtureType: string;
  /** Wraps a fragment that uses `tx` without declaring it. */
  inTransaction?: (code: string) => string;
  /** Rewrites every example's code first. */
  rewrite?: (code: string, example: DocExample) => string;
}

/** One generated module: the example, its file, and where its code starts in that file. */
export interface GeneratedExample {
  example: DocExample;
  /** Absolute path of the module. */
  path: string;
  /** Module text. */
  text: string;
  /** 1-based line of the module on which the example's first code line is. */
  codeLine: number;
}

const IMPORT_START = /^\s*import\s/;
const EXPORTED_NAME =
  /^export\s+(?:declare\s+)?(?:default\s+)?(?:async\s+)?(?:function\*?|const|let|class|abstract\s+class|interface|type|enum)\s+(\w+)/gm;
const EXPORT_LIST = /^export\s+(?:type\s+)?\{([^}]*)\}/gm;

/** Names a module exports (declarations and `export { … }` lists; re-exports included). */
function exportedNames(text: string): Set<string> {
  const names = new Set<string>();
  for (const m of text.matchAll(EXPORTED_NAME)) names.add(m[1]!);
  for (const m of text.matchAll(EXPORT_LIST)) {
    for (const part of m[1]!.split(',')) {
      const name = part
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)
        .at(-1)!
        .trim();
      if (name !== '') names.add(name);
    }
  }
  return names;
}

/**
 * Splits an example into its import statements (hoisted to the module's top) and the rest; each line
 * of an import leaves a blank line behind, so the rest keeps the example's line numbers.
 */
function splitImports(code: string): { imports: string[]; body: string[] } {
  const lines = code.split('\n');
  const imports: string[] = [];
  const body: string[] = [];
  for (let i = 0; i < lines.length; i++) {
    if (!IMPORT_START.test(lines[i]!)) {
      body.push(lines[i]!);
      continue;
    }
    let stmt = lines[i]!;
    body.push('');
    while (
      !/from\s+['"][^'"]+['"];?\s*$|^\s*import\s+['"][^'"]+['"];?\s*$/.test(stmt) &&
      i + 1 < lines.length
    ) {
      stmt += `\n${lines[++i]!}`;
      body.push('');
    }
    imports.push(stmt);
  }
  return { imports, body };
}

/** Names an import statement binds. */
function importedNames(stmt: string): string[] {
  const names: string[] = [];
  const braces = /\{([^}]*)\}/.exec(stmt);
  if (braces) {
    for (const part of braces[1]!.split(',')) {
      const name = part
        .trim()
        .replace(/^type\s+/, '')
        .split(/\s+as\s+/)
        .at(-1)!
        .trim();
      if (name !== '') names.push(name);
    }
  }
  const star = /\*\s+as\s+(\w+)/.exec(stmt);
  if (star) names.push(star[1]!);
  const def = /^\s*import\s+(?:type\s+)?(\w+)\s*(?:,|from)/.exec(stmt);
  if (def) names.push(def[1]!);
  return names;
}

/**
 * `// throws CODE` after a one-line statement (or alone on the line after it): the statement becomes
 * an assertion that it throws (or rejects with) an error with that `code`.
 */
function expandThrows(lines: string[]): string[] {
  const out = [...lines];
  for (let i = 0; i < out.length; i++) {
    const own = /^(\s*)(.+?);?\s*\/\/\s*throws\s+([A-Z_]+)\b.*$/.exec(out[i]!);
    if (own && !own[2]!.trimStart().startsWith('//')) {
      out[i] = `${own[1]}await __throws(async () => { ${own[2]}; }, '${own[3]}');`;
      continue;
    }
    const next = /^\s*\/\/\s*throws\s+([A-Z_]+)\b/.exec(out[i]!);
    if (next && i > 0) {
      const prev = /^(\s*)(.+?);?\s*(\/\/.*)?$/.exec(out[i - 1]!);
      if (prev) out[i - 1] = `${prev[1]}await __throws(async () => { ${prev[2]}; }, '${next[1]}');`;
    }
  }
  return out;
}

/** Whether `code` uses `tx` without declaring it (a fragment meant for the inside of a transaction). */
export function usesFreeTx(code: string): boolean {
  const stripped = code.replace(/\/\/.*$/gm, '');
  const declares =
    /\(\s*tx\s*(?:[,:][^)]*)?\)\s*=>|\btx\s*=>|function\s*\w*\s*\(\s*tx\b|(?:const|let|var)\s+tx\b/;
  return /\btx\b/.test(stripped) && !declares.test(stripped);
}

/** The module specifier of `spec`, seen from `outDir` instead of the package's `test/` directory. */
function fromOutDir(spec: string, dir: string, outDir: string): string {
  if (!spec.startsWith('.')) return spec;
  const target = join(dir, 'test', spec);
  const rel = relative(outDir, target);
  return rel.startsWith('.') ? rel : `./${rel}`;
}

/** The package's own name and subpaths, as modules of its `src/` seen from `outDir`. */
function selfImports(dir: string, outDir: string): Map<string, string> {
  const pkg = JSON.parse(readFileSync(join(dir, 'package.json'), 'utf8')) as {
    name: string;
    exports?: Record<string, { default?: string } | string>;
  };
  const map = new Map<string, string>();
  for (const [sub, target] of Object.entries(pkg.exports ?? {})) {
    const file = typeof target === 'string' ? target : target.default;
    if (file === undefined || !file.startsWith('./dist/')) continue;
    const src = join(dir, 'src', file.slice('./dist/'.length));
    const spec = sub === '.' ? pkg.name : `${pkg.name}/${sub.slice(2)}`;
    map.set(spec, relative(outDir, src));
  }
  return map;
}

/** The member names of a type literal (`{ db: Database; handle: (page: string[]) => void }` → db, handle). */
function memberNames(typeLiteral: string): string[] {
  const names: string[] = [];
  let depth = 0;
  let token = '';
  let prev = '';
  for (const ch of typeLiteral) {
    const arrow = ch === '>' && prev === '=';
    prev = ch;
    if (arrow) continue;
    if ('{([<'.includes(ch)) {
      depth++;
      token = '';
    } else if ('})]>'.includes(ch)) depth--;
    else if (depth === 1 && (ch === ';' || ch === ',')) token = '';
    else if (depth === 1 && ch === ':') {
      const name = token.trim().replace(/\?$/, '');
      if (/^[A-Za-z_$][\w$]*$/.test(name)) names.push(name);
      token = '';
    } else if (depth === 1) token += ch;
  }
  return names;
}

/** The module of one example, ready to be written to `path`. */
export function generateExample(example: DocExample, index: number, o: GenerateOptions): GeneratedExample {
  const code = o.rewrite ? o.rewrite(example.code, example) : example.code;
  const { imports: own, body } = splitImports(code);
  const self = selfImports(o.dir, o.outDir);
  const hoisted = own.map((stmt) =>
    stmt.replace(/(from\s+|import\s+)(['"])([^'"]+)\2/, (all, kw: string, q: string, spec: string) => {
      const local = self.get(spec);
      return local === undefined ? all : `${kw}${q}${local}${q}`;
    }),
  );
  const taken = new Set(own.flatMap(importedNames));
  const words = new Set(code.match(/[A-Za-z_$][\w$]*/g) ?? []);
  const fixtureWords = new Set(o.fixtureType.match(/[A-Za-z_$][\w$]*/g) ?? []);
  const preamble: string[] = [];
  // Names the example's own source file exports, so examples of internal functions run too.
  if (example.file.startsWith('src/')) {
    const srcPath = join(o.dir, example.file);
    const names = [...exportedNames(readFileSync(srcPath, 'utf8'))].filter(
      (n) => words.has(n) && !taken.has(n),
    );
    if (names.length > 0) {
      const rel = relative(o.outDir, srcPath).replace(/\.tsx?$/, '.js');
      preamble.push(`import { ${names.join(', ')} } from '${rel}';`);
      for (const n of names) taken.add(n);
    }
  }
  for (const [spec, names] of Object.entries(o.imports)) {
    // A name may be `default as fc`: the example sees the local name.
    const local = (n: string) => n.split(/\s+as\s+/).at(-1)!;
    const wanted = names.filter(
      (n) => !taken.has(local(n)) && (words.has(local(n)) || fixtureWords.has(local(n))),
    );
    if (wanted.length === 0) continue;
    preamble.push(`import { ${wanted.join(', ')} } from '${fromOutDir(spec, o.dir, o.outDir)}';`);
    for (const n of wanted) taken.add(local(n));
  }
  const runtime = relative(o.outDir, join(dirname(new URL(import.meta.url).pathname), 'runtime.js'));
  const fixtureNames = memberNames(o.fixtureType);
  // Module-level code runs as a function body: `export const x` there is plain `const x`.
  let lines = expandThrows(body).map((l) =>
    l.replace(/^export\s+(?=(?:async\s+)?(?:const|let|function|class)\b)/, ''),
  );
  const wrap = o.inTransaction !== undefined && usesFreeTx(code);
  const head = [
    `// ${example.id} (${example.file}:${example.line}). Generated by the doc-examples test; do not edit.`,
    ...hoisted,
    ...preamble,
    `import { __throws } from '${runtime}';`,
    '',
    `export default async function example(__f: ${o.fixtureType}, console: Console) {`,
    `  const { ${fixtureNames.join(', ')} } = __f;`,
    '  {',
  ];
  if (wrap) {
    const wrapped = o.inTransaction!('\u0000').split('\n');
    const at = wrapped.findIndex((l) => l.includes('\u0000'));
    const indent = /^\s*/.exec(wrapped[at]!)![0];
    lines = [
      ...wrapped.slice(0, at),
      ...lines.map((l) => (l === '' ? l : indent + l)),
      ...wrapped.slice(at + 1),
    ];
    return finish(example, index, o, [...head, ...lines, '  }', '}', ''], head.length + 1 + at);
  }
  return finish(example, index, o, [...head, ...lines, '  }', '}', ''], head.length + 1);
}

/** Names the module after its example and numbers it. */
function finish(
  example: DocExample,
  index: number,
  o: GenerateOptions,
  lines: string[],
  codeLine: number,
): GeneratedExample {
  const slug = example.id
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-|-$/g, '')
    .slice(0, 60);
  const path = join(o.outDir, `${String(index).padStart(3, '0')}-${slug}.ts`);
  return { example, path, text: lines.join('\n'), codeLine };
}
