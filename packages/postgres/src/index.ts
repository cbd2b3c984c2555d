export type { PostgresOptions } from './options.js';
export { PostgresDatabase } from './postgres-database.js';
export { type Statements, statements } from './sql.js';
