import { Key, type Value } from '@agentdb/primitives';
import { Argument, type Command } from 'commander';
import { positiveInt } from '../arguments.js';
import { type CommandContext, withDatabase } from '../context.js';
import { CliError, usageError } from '../errors.js';
import { formatTime, formatValue } from '../format.js';
import { limited, PAGE_SIZE } from '../listing.js';
import { requireRun } from '../run-ids.js';
import { toTypedJson } from '../typed-json.js';

/** A listed entry and its expiry. */
interface KVListed {
  key: string;
  value: Value;
  expiresAt: number | undefined;
}

/** `agentdb <dir> kv <run> [get <key> | list [--prefix p] [--limit n]] [--json]`: a run's key-value memory. */
export function registerKv(program: Command, ctx: CommandContext): void {
  program
    .command('kv')
    .description("list a run's KV entries (with their expiry), or get one")
    .argument('<run>', 'run id')
    .addArgument(new Argument('[action]', 'list (default) or get').choices(['list', 'get']).default('list'))
    .argument('[key]', 'the key, for get')
    .option('--prefix <prefix>', 'list: only keys starting with this')
    .option('--limit <n>', 'list: at most n entries', positiveInt)
    .option('--json', 'print JSON')
    .action(
      (
        runId: string,
        action: 'list' | 'get',
        key: string | undefined,
        opts: { prefix?: string; limit?: number; json?: boolean },
      ) =>
        withDatabase(ctx, { kind: 'read' }, async (db) => {
          if (action === 'get' && key === undefined)
            throw usageError('kv get needs a key: kv <run> get <key>');
          if (action === 'list' && key !== undefined)
            throw usageError(`kv list takes no key (did you mean: kv ${runId} get ${key}?)`);
          if (action === 'get' && (opts.prefix !== undefined || opts.limit !== undefined))
            throw usageError(`${opts.prefix !== undefined ? '--prefix' : '--limit'} applies to kv list only`);
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
          // One read-only transaction (one snapshot, never a conflict, so never re-run: printing in it
          // is safe), read a page at a time; the expiry is engine metadata the KV API does not
          // return, so it is read per key in the same snapshot.
          await db.engine.transaction(async (tx) => {
            const view = db.kv.in(tx, runId);
            async function* entries(): AsyncGenerator<KVListed> {
              let after: string | undefined;
              for (;;) {
                const page = await view.listWithValues({
                  ...(opts.prefix === undefined ? {} : { prefix: opts.prefix }),
                  ...(after === undefined ? {} : { after }),
                  limit: PAGE_SIZE,
                });
                for (const e of page)
                  yield { ...e, expiresAt: (await tx.getEntry(Key.kv(runId, e.key)))?.expiresAt };
                after = page.at(-1)?.key;
                if (page.length < PAGE_SIZE || after === undefined) return;
              }
            }
            const listed = limited(entries(), opts.limit);
            if (opts.json) {
              return out.jsonArray(listed, ({ key, value, expiresAt }) => ({
                key,
                value: toTypedJson(value),
                ...(expiresAt === undefined ? {} : { expiresAt }),
              }));
            }
            const rows: string[][] = [];
            for await (const e of listed) {
              rows.push([
                e.key,
                e.expiresAt === undefined ? '-' : formatTime(e.expiresAt),
                formatValue(e.value, 80),
              ]);
            }
            out.table(['KEY', 'EXPIRES', 'VALUE'], rows);
          });
        }),
    );
}
