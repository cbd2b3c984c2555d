import type { AgentDB } from '@agentdb/primitives';
import type { StatePage, StateRow } from './shared/api-types.js';
import { ROW_FULL_CHARS, valueText } from './value-text.js';

/**
 * Every state cell of the run with its version, update time and value.
 *
 * @example
 * const { cells } = await statePage(db, 'triage-1'); // [{ name: 'phase', version: 3, … }]
 */
export async function statePage(db: AgentDB, runId: string): Promise<StatePage> {
  const cells: StateRow[] = [];
  for (const name of await db.state.list(runId)) {
    const s = await db.state.read(runId, name);
    // Deleted since it was listed.
    if (s === undefined) continue;
    cells.push({
      name,
      version: s.version,
      updatedAt: s.updatedAt,
      value: valueText(s.value, ROW_FULL_CHARS),
    });
  }
  return { cells };
}
