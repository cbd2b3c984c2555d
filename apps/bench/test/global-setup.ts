import { ensureSqliteAddon } from '../src/sqlite-native.js';

/** The SQLite baseline's native addon is built on first use, not at install (src/sqlite-native.ts). */
export default function setup(): void {
  ensureSqliteAddon((line) => process.stderr.write(`${line}\n`));
}
