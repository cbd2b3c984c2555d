import { mkdtempSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';

/**
 * Temporary directories for one bench run, all removed by `dispose`. They live under `os.tmpdir()`,
 * which must be a real disk for strict (fsync) figures to mean anything.
 *
 * @example
 * const scratch = new Scratch();
 * const path = scratch.dir('kv');
 * scratch.dispose();
 */
export class Scratch {
  readonly #dirs: string[] = [];

  /** A new empty directory whose name starts with `label`. @example scratch.dir('raw-lmdb') */
  dir(label: string): string {
    const d = mkdtempSync(join(tmpdir(), `agentdb-bench-${label}-`));
    this.#dirs.push(d);
    return d;
  }

  /** Removes every directory handed out. @example scratch.dispose() */
  dispose(): void {
    for (const d of this.#dirs.splice(0)) rmSync(d, { recursive: true, force: true });
  }
}
