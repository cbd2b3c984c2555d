import { Key } from '@agentdb/primitives';
import { Argument, type Command } from 'commander';
import { type CommandContext, withDatabase } from '../context.js';
import { CliError, usageError } from '../errors.js';
import { formatTime, formatValue } from '../format.js';
import { requireRun } from '../run-ids.js';
import { toTypedJson } from '../typed-json.js';

/** `agentdb <dir> kv <run> [get <key> | list [--prefix p]] [--json]`: a run's key-value memory. */
export function registerKv(program: Command, ctx: CommandContext): void {
  program
    .command('kv')
    .description("list a run's KV entries (with their expiry), or get one")
    .argument('<run>', 'run id')
    .addArgument(new Argument('[action]', 'list (default) or get').choices(['list', 'get']).default('list'))
    .argument('[key]', 'the key, for get')
    .option('--prefix <prefix>', 'list: only keys starting with this')
    .option('--json', 'print JSON')
    .action(
      (
        runId: string,
        action: 'list' | 'get',
        key: string | undefined,
        opts: { prefix?: string; json?: boolean },
      ) =>
        withDatabase(ctx, { kind: 'read' }, async (db) => {
          if (action === 'get' && key === undefined)
            throw usageError('kv get needs a key: kv <run> get <key>');
          if (action === 'list' && key !== undefined)
            throw usageError(`kv list takes no key (did you mean: kv ${runId} get ${key}?)`);
          if (action === 'get' && opts.prefix !== undefined)
            throw usageError('--prefix applies to kv list only');
          await requireRun(db, ctx.dir, runId);
          const { out } = ctx;
          if (key !== undefined) {
            const entry = await db.engine.getEntry(Key.kv(runId, key));
            if (entry === undefined) throw new CliError(`no key "${key}" in run "${runId}"`);
            if (opts.json)
              return out.json({
                key,
                value: toTypedJson(entry.value),
                ...(entry.expiresAt === undefined ? {} : { expiresAt: entry.expiresAt }),
              });
            return out.line(formatValue(entry.value));
          }
          // One read-only transaction (one snapshot, never a conflict); the expiry is engine metadata
          // the KV API does not return, so it is read per key in the same snapshot.
          const entries = await db.engine.transaction(async (tx) => {
            const list = await db.kv
              .in(tx, runId)
              .listWithValues(opts.prefix === undefined ? {} : { prefix: opts.prefix });
            return Promise.all(
              list.map(async (e) => ({
                ...e,
                expiresAt: (await tx.getEntry(Key.kv(runId, e.key)))?.expiresAt,
              })),
            );
          });
          if (opts.json) {
            return out.json(
              entries.map(({ key, value, expiresAt }) => ({
                key,
                value: toTypedJson(value),
                ...(expiresAt === undefined ? {} : { expiresAt }),
              })),
            );
          }
          out.table(
            ['KEY', 'EXPIRES', 'VALUE'],
            entries.map((e) => [
              e.key,
              e.expiresAt === undefined ? '-' : formatTime(e.expiresAt),
              formatValue(e.value, 80),
            ]),
          );
        }),
    );
}
