import { atomicitySuite } from './atomicity.js';
import { type CascadeExtension, cascadeDeleteSuite } from './cascade-delete.js';
import { isolationSuite } from './isolation.js';
import { modelSuite } from './model-suite.js';
import type { PrimitivesSubject } from './subject.js';

/**
 * The primitives' integration tests as vitest suites, defined once and run unchanged on every engine
 * (the LMDB engine in this package, `@agentdb/postgres` on PostgreSQL): atomicity across all five
 * primitives, run isolation, the fast-check model test, and cascade delete — with an extension
 * primitive too, when `options.extension` supplies one. Import from `@agentdb/primitives/contract` in
 * a test file; it needs vitest and fast-check installed.
 *
 * @example
 * // not run: it registers vitest suites (only a test file may), on a PostgreSQL server
 * primitivesContract('postgres', {
 *   open: async ({ clock }) => {
 *     const schema = freshSchema();
 *     const db = new AgentDB(await PostgresDatabase.open({ connectionString, schema, clock }));
 *     return { db, reopen: …, dispose: … };
 *   },
 * }, { extension: messageQueueExtension });
 */
export function primitivesContract(
  name: string,
  subject: PrimitivesSubject,
  options: { extension?: CascadeExtension } = {},
): void {
  atomicitySuite(name, subject);
  isolationSuite(name, subject);
  modelSuite(name, subject);
  cascadeDeleteSuite(name, subject, options.extension);
}

export { indexProblems } from './index-checker.js';
export {
  type AgentFixture,
  type OpenedAgentDB,
  openFixture,
  type PrimitivesSubject,
  rejectionOf,
} from './subject.js';
export { atomicitySuite, type CascadeExtension, cascadeDeleteSuite, isolationSuite, modelSuite };
