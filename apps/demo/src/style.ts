/**
 * ANSI styling that switches itself off when stdout is not a terminal (pipes, files, CI logs, the
 * tests) or when `NO_COLOR` is set, so captured output is plain text. `FORCE_COLOR` forces it on.
 */
export interface Style {
  readonly bold: (s: string) => string;
  readonly dim: (s: string) => string;
  readonly green: (s: string) => string;
  readonly red: (s: string) => string;
  readonly yellow: (s: string) => string;
  readonly cyan: (s: string) => string;
  readonly magenta: (s: string) => string;
}

const plain = (s: string): string => s;

function ansi(open: number, close: number): (s: string) => string {
  return (s) => `\u001b[${open}m${s}\u001b[${close}m`;
}

/** Decides once whether to colour, from the stream and the environment. @example styleFor(process.stdout) */
export function styleFor(stream: { isTTY?: boolean }, env: NodeJS.ProcessEnv = process.env): Style {
  const forced = env.FORCE_COLOR !== undefined && env.FORCE_COLOR !== '0';
  const on = forced || (stream.isTTY === true && env.NO_COLOR === undefined && env.TERM !== 'dumb');
  if (!on) {
    return { bold: plain, dim: plain, green: plain, red: plain, yellow: plain, cyan: plain, magenta: plain };
  }
  return {
    bold: ansi(1, 22),
    dim: ansi(2, 22),
    green: ansi(32, 39),
    red: ansi(31, 39),
    yellow: ansi(33, 39),
    cyan: ansi(36, 39),
    magenta: ansi(35, 39),
  };
}

/** The visible width of a string, ignoring ANSI escapes. @example visibleWidth('\u001b[1mab\u001b[22m') // 2 */
export function visibleWidth(s: string): number {
  // biome-ignore lint/suspicious/noControlCharactersInRegex: matching ANSI escapes is the point
  return [...s.replace(/\u001b\[[0-9;]*m/g, '')].length;
}
