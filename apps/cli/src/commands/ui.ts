import { createViewer, DEFAULT_HOST, DEFAULT_PORT } from '@agentdb/viewer';
import { type Command, InvalidArgumentError } from 'commander';
import { nonNegativeInt } from '../arguments.js';
import { type CommandContext, withDatabase } from '../context.js';

/** `--port 0..65535`. */
function port(text: string): number {
  const n = nonNegativeInt(text);
  if (n > 65535) throw new InvalidArgumentError('expected a port from 0 to 65535.');
  return n;
}

const LOOPBACK = /^(127\.\d+\.\d+\.\d+|localhost|::1)$/;

/** `agentdb <dir> ui [--port n] [--host h]`: the read-only web viewer, until Ctrl-C. */
export function registerUi(program: Command, ctx: CommandContext): void {
  program
    .command('ui')
    .description(
      'serve a read-only web page of the database (runs, traces, events, KV, state; live) until Ctrl-C',
    )
    .option('--port <n>', 'TCP port; 0 picks a free one', port, DEFAULT_PORT)
    .option('--host <host>', 'interface to listen on', DEFAULT_HOST)
    .action((opts: { port: number; host: string }) =>
      withDatabase(ctx, { kind: 'read' }, async (db) => {
        // Caught from here on, so Ctrl-C while starting still closes everything.
        const stop = ctx.interrupted();
        const viewer = await createViewer(db, { port: opts.port, host: opts.host });
        try {
          ctx.out.line(`AgentDB viewer on ${viewer.url} (read-only) — Ctrl-C to stop`);
          if (!LOOPBACK.test(opts.host)) {
            ctx.note(
              `agentdb: listening on ${opts.host}: anyone who can reach it can read the whole database`,
            );
          }
          await new Promise<void>((resolve) => {
            if (stop.aborted) resolve();
            else stop.addEventListener('abort', () => resolve(), { once: true });
          });
        } finally {
          await viewer.close();
        }
      }),
    );
}
