import type { TypedJson } from './typed-json.js';

/** ANSI styling that is a no-op when colours are off. */
export interface Style {
  bold(s: string): string;
  dim(s: string): string;
  red(s: string): string;
  green(s: string): string;
  yellow(s: string): string;
  cyan(s: string): string;
}

const sgr =
  (open: number, close: number) =>
  (s: string): string =>
    `\u001b[${open}m${s}\u001b[${close}m`;
const COLOR: Style = {
  bold: sgr(1, 22),
  dim: sgr(2, 22),
  red: sgr(31, 39),
  green: sgr(32, 39),
  yellow: sgr(33, 39),
  cyan: sgr(36, 39),
};
const identity = (s: string): string => s;
const PLAIN: Style = {
  bold: identity,
  dim: identity,
  red: identity,
  green: identity,
  yellow: identity,
  cyan: identity,
};

// biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escape sequences is the point
const ANSI = /\u001b\[[0-9;]*m/g;

/** The printed width of `s` (ANSI sequences take no columns). */
export function visibleLength(s: string): number {
  return s.replace(ANSI, '').length;
}

/**
 * Whether to colour: never when `NO_COLOR` is set (https://no-color.org), always when `FORCE_COLOR`
 * is set to anything but `0`, otherwise only when stdout is a terminal.
 *
 * @example
 * useColor(process.stdout, process.env);
 */
export function useColor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv): boolean {
  if (env.NO_COLOR !== undefined && env.NO_COLOR !== '') return false;
  if (env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '' && env.FORCE_COLOR !== '0') return true;
  return stream.isTTY === true;
}

/**
 * Where a command prints: lines, tables and JSON to stdout, styled only when colours are on.
 *
 * @example
 * const out = new Output((s) => process.stdout.write(s), useColor(process.stdout, process.env));
 * out.table(['RUN', 'STATUS'], [['r1', 'active']]);
 */
export class Output {
  readonly style: Style;
  readonly #write: (s: string) => void;
  readonly #closed: AbortSignal | undefined;

  /** `closed`: aborted when the reader went away (a closed pipe); streaming output stops reading then. */
  constructor(write: (s: string) => void, color: boolean, closed?: AbortSignal) {
    this.#write = write;
    this.style = color ? COLOR : PLAIN;
    this.#closed = closed;
  }

  /** Prints text as is. @example out.raw(helpText) */
  raw(s: string): void {
    this.#write(s);
  }

  /** Prints one line. @example out.line('ok') */
  line(s = ''): void {
    this.#write(`${s}\n`);
  }

  /** Prints `value` as indented JSON (the `--json` form of listings). @example out.json([{ runId: 'r1' }]) */
  json(value: TypedJson): void {
    this.#write(`${JSON.stringify(value, null, 2)}\n`);
  }

  /**
   * Prints `items` as an indented JSON array while they come: the same text as `json([...items])`,
   * but a long listing starts at once and is never held in memory whole.
   *
   * @example
   * await out.jsonArray(limited(db.events.iter(run), 100), asJson);
   */
  async jsonArray<T>(items: AsyncIterable<T> | Iterable<T>, toJson: (item: T) => TypedJson): Promise<void> {
    let first = true;
    for await (const item of items) {
      if (this.#closed?.aborted) return;
      const text = JSON.stringify(toJson(item), null, 2).replaceAll('\n', '\n  ');
      this.#write(`${first ? '[\n' : ',\n'}  ${text}`);
      first = false;
    }
    this.#write(first ? '[]\n' : '\n]\n');
  }

  /** Prints `value` as one line of JSON (streams: `events --follow --json`). @example out.jsonLine({ a: 1 }) */
  jsonLine(value: TypedJson): void {
    this.#write(`${JSON.stringify(value)}\n`);
  }

  /**
   * Prints aligned columns under a header; the last column is not padded.
   *
   * @example
   * out.table(['KEY', 'VALUE'], [['plan', '"search"']]);
   */
  table(header: string[], rows: string[][]): void {
    const widths = header.map((h, i) => Math.max(h.length, ...rows.map((r) => visibleLength(r[i] ?? ''))));
    const render = (cells: string[]) =>
      cells
        .map((c, i) => (i === cells.length - 1 ? c : c + ' '.repeat(widths[i]! - visibleLength(c))))
        .join('  ')
        .trimEnd();
    this.line(this.style.bold(render(header)));
    for (const row of rows) this.line(render(row));
  }
}
