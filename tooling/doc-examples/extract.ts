import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';

/**
 * One documentation example: an `@example` of a doc comment in `src/`, or a fenced ts/js block of the
 * package README.
 */
export interface DocExample {
  /** Stable name: `src/kv-store.ts KVStore.get`, `README.md "## Methods" #2` (a suffix `#n` when a place has several). */
  id: string;
  /** Path relative to the package directory. */
  file: string;
  /** 1-based line of the example's first code line in `file`. */
  line: number;
  /** The example's code. */
  code: string;
  /** Why it is not run, when it is marked `// not run: …` (first line) or `<!-- not run: … -->` (README). */
  notRun?: string;
}

const NOT_RUN_LINE = /^\s*\/\/\s*not run:\s*(.+?)\s*$/;
const NOT_RUN_COMMENT = /^\s*<!--\s*not run:\s*(.+?)\s*-->\s*$/;
const FENCE_OPEN = /^\s*```(ts|typescript|js|javascript|mjs)\b/;
const FENCE_CLOSE = /^\s*```\s*$/;

/**
 * Every example of the package in `dir`: the `@example`s of `src/**` (tests excluded) in file order,
 * then the README's fenced ts/js blocks.
 *
 * @example
 * extractExamples(join(import.meta.dirname, '..')).length; // 42
 */
export function extractExamples(dir: string): DocExample[] {
  const out: DocExample[] = [];
  const sources = readdirSync(join(dir, 'src'), { recursive: true, encoding: 'utf8' })
    .filter((f) => /\.tsx?$/.test(f) && !/\.(test|d)\.tsx?$/.test(f))
    .sort();
  for (const f of sources) out.push(...sourceExamples(`src/${f}`, readFileSync(join(dir, 'src', f), 'utf8')));
  let readme: string | undefined;
  try {
    readme = readFileSync(join(dir, 'README.md'), 'utf8');
  } catch {
    readme = undefined;
  }
  if (readme !== undefined) out.push(...readmeExamples('README.md', readme));
  return numbered(out);
}

/** Gives examples that share an id a suffix `#2`, `#3`, … in order. */
function numbered(examples: DocExample[]): DocExample[] {
  const seen = new Map<string, number>();
  return examples.map((e) => {
    const n = (seen.get(e.id) ?? 0) + 1;
    seen.set(e.id, n);
    return n === 1 ? e : { ...e, id: `${e.id} #${n}` };
  });
}

/** Marks an example not run when its first code line is `// not run: reason`. */
function withMarker(e: Omit<DocExample, 'notRun'>): DocExample {
  const lines = e.code.split('\n');
  const first = lines.findIndex((l) => l.trim() !== '');
  const m = first < 0 ? null : NOT_RUN_LINE.exec(lines[first]!);
  return m === null ? e : { ...e, notRun: m[1]! };
}

/** The `@example`s of one source file's doc comments. */
export function sourceExamples(file: string, text: string): DocExample[] {
  const out: DocExample[] = [];
  const lines = text.split('\n');
  let currentClass: string | undefined;
  for (let i = 0; i < lines.length; i++) {
    // Members are named after their class, or the object literal they are in (`export const Key = {`).
    const cls =
      /^(?:export\s+)?(?:default\s+)?(?:abstract\s+)?(?:class|interface)\s+(\w+)/.exec(lines[i]!) ??
      /^(?:export\s+)?const\s+(\w+)\s*(?::[^=]*)?=\s*\{\s*$/.exec(lines[i]!);
    if (cls) currentClass = cls[1];
    if (!lines[i]!.includes('/**')) continue;
    // The doc comment from line i to its end.
    let end = i;
    while (end < lines.length && !lines[end]!.includes('*/')) end++;
    const body: { text: string; line: number }[] = [];
    for (let j = i; j <= end && j < lines.length; j++) {
      let t = lines[j]!;
      if (j === i) t = t.slice(t.indexOf('/**') + 3);
      if (j === end) t = t.slice(0, t.lastIndexOf('*/'));
      if (j !== i) t = t.replace(/^\s*\* ?/, '');
      body.push({ text: t, line: j + 1 });
    }
    const symbol = symbolAfter(lines, end + 1, currentClass);
    for (let k = 0; k < body.length; k++) {
      const at = body[k]!.text.indexOf('@example');
      if (at < 0) continue;
      const code: string[] = [];
      const rest = body[k]!.text.slice(at + '@example'.length).trim();
      let line = body[k]!.line;
      if (rest !== '') code.push(rest);
      let m = k + 1;
      for (; m < body.length && !/^\s*@\w/.test(body[m]!.text); m++) {
        if (code.length === 0 && body[m]!.text.trim() === '') continue;
        if (code.length === 0) line = body[m]!.line;
        code.push(body[m]!.text);
      }
      k = m - 1;
      while (code.length > 0 && code.at(-1)!.trim() === '') code.pop();
      out.push(withMarker({ id: `${file} ${symbol}`, file, line, code: dedent(code).join('\n') }));
    }
    i = end;
  }
  return out;
}

/** The name of what the doc comment ending before line `from` documents: `Class.method`, `fn`, … */
function symbolAfter(lines: string[], from: number, currentClass: string | undefined): string {
  for (let i = from; i < lines.length; i++) {
    const l = lines[i]!;
    if (l.trim() === '' || l.trim().startsWith('//') || l.trim().startsWith('@')) continue;
    // A comment followed by another doc comment documents the module, not a declaration.
    if (/^\s*\/\*/.test(l)) return '(module)';
    const top =
      /^export\s+(?:default\s+)?(?:declare\s+)?(?:async\s+)?(?:function\*?|const|let|class|interface|type|enum|abstract\s+class)\s+(\w+)/.exec(
        l,
      );
    if (top) return top[1]!;
    const member =
      /^\s+(?:(?:public|private|protected|static|override|readonly|abstract|async|get|set)\s+)*\*?(#?[\w$]+|\[[^\]]+\])\s*[?!]?\s*[(<:=]/.exec(
        l,
      );
    if (member && /^\s/.test(l)) return `${currentClass ?? '?'}.${member[1]}`;
    const plain = /^(?:async\s+)?(?:function\*?|const|let|class|interface|type)\s+(\w+)/.exec(l);
    if (plain) return plain[1]!;
    return l.trim().slice(0, 40);
  }
  return '(end of file)';
}

/** Removes the indentation every non-empty line shares. */
function dedent(lines: string[]): string[] {
  const indents = lines.filter((l) => l.trim() !== '').map((l) => /^\s*/.exec(l)![0].length);
  const cut = indents.length === 0 ? 0 : Math.min(...indents);
  return lines.map((l) => l.slice(cut));
}

/** The fenced ts/js blocks of a README, named by the heading they are under. */
export function readmeExamples(file: string, text: string): DocExample[] {
  const out: DocExample[] = [];
  const lines = text.split('\n');
  let heading = '(top)';
  for (let i = 0; i < lines.length; i++) {
    const l = lines[i]!;
    const h = /^(#{1,6})\s+(.*)$/.exec(l);
    if (h) {
      heading = `${h[1]} ${h[2]!.trim()}`;
      continue;
    }
    if (!FENCE_OPEN.test(l)) continue;
    let prev = i - 1;
    while (prev >= 0 && lines[prev]!.trim() === '') prev--;
    const marker = prev >= 0 ? NOT_RUN_COMMENT.exec(lines[prev]!) : null;
    const code: string[] = [];
    let j = i + 1;
    for (; j < lines.length && !FENCE_CLOSE.test(lines[j]!); j++) code.push(lines[j]!);
    const e = withMarker({ id: `${file} "${heading}"`, file, line: i + 2, code: dedent(code).join('\n') });
    out.push(marker === null ? e : { ...e, notRun: marker[1]! });
    i = j;
  }
  return out;
}
