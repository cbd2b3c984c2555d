import type { Trace, TraceTree } from '@agentdb/primitives';
import { describe, expect, it } from 'vitest';
import { DEFAULT_DIR, parseDemoArgs } from '../src/args.js';
import { drawTree, formatArgs, table } from '../src/format.js';
import { styleFor } from '../src/style.js';

const plain = styleFor({ isTTY: false }, {});

function node(id: string, children: TraceTree[] = []): TraceTree {
  const trace: Trace = {
    id,
    traceType: { type: 'thought', content: id },
    timestamp: 0,
    tags: [],
    metadata: {},
  };
  return { trace, children };
}

describe('drawTree', () => {
  it('draws siblings, last children and continuation bars', () => {
    const tree = node('root', [node('a', [node('a1'), node('a2')]), node('b', [node('b1')])]);
    expect(drawTree(tree, (t) => t.id)).toEqual(['root', '├─ a', '│  ├─ a1', '│  └─ a2', '└─ b', '   └─ b1']);
  });

  it('handles a 10,000-deep chain without recursion', () => {
    let deep = node('n0');
    for (let i = 1; i < 10_000; i++) deep = node(`n${i}`, [deep]);
    expect(drawTree(deep, (t) => t.id)).toHaveLength(10_000);
  });
});

describe('formatting', () => {
  it('aligns table columns to the widest cell', () => {
    expect(
      table(
        ['run', 'status'],
        [
          ['a', 'completed'],
          ['longer', 'failed'],
        ],
        plain,
      ),
    ).toEqual(['run     status', '──────  ─────────', 'a       completed', 'longer  failed']);
  });

  it('prints tool arguments as name: value pairs', () => {
    expect(formatArgs({ path: 'a.ts', repeat: 2 })).toBe('path: "a.ts", repeat: 2');
  });

  it('colours only a TTY without NO_COLOR, or when FORCE_COLOR is set', () => {
    expect(styleFor({ isTTY: true }, {}).green('x')).toBe('\u001b[32mx\u001b[39m');
    expect(styleFor({ isTTY: true }, { NO_COLOR: '1' }).green('x')).toBe('x');
    expect(styleFor({ isTTY: false }, {}).green('x')).toBe('x');
    expect(styleFor({ isTTY: false }, { FORCE_COLOR: '1' }).green('x')).toBe('\u001b[32mx\u001b[39m');
  });
});

describe('parseDemoArgs', () => {
  it('defaults to apps/demo/agent-data and resolves --dir against the current directory', () => {
    expect(DEFAULT_DIR.replaceAll('\\', '/')).toMatch(/apps\/demo\/agent-data$/);
    expect(parseDemoArgs([])).toEqual({ dir: DEFAULT_DIR, reset: false, help: false });
    expect(parseDemoArgs(['--', '--dir', 'db', '--reset'], '/work')).toEqual({
      dir: '/work/db',
      reset: true,
      help: false,
    });
  });

  it.each([[['--dir']], [['--dir', '']], [['extra']], [['--nope']]])('refuses %j', (argv) => {
    expect(() => parseDemoArgs(argv)).toThrow();
  });
});
