import { rmSync } from 'node:fs';
import { afterAll } from 'vitest';
import { engineContract } from '../src/contract-suite.js';
import { Database } from '../src/index.js';
import { tempDir } from '../src/testing.js';

const dirs: string[] = [];
afterAll(() => {
  for (const d of dirs) rmSync(d, { recursive: true, force: true });
});

engineContract('lmdb', {
  open: ({ clock }) => {
    const path = tempDir();
    dirs.push(path);
    return Database.open({ path, clock, sweepIntervalMs: 0 });
  },
});
