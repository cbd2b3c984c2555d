import { Readable, Writable } from 'node:stream';
import { runMcpCommand } from '@agentdb/mcp';
import { PostgresDatabase } from '@agentdb/postgres';
import { AgentDB } from '@agentdb/primitives';
import type { Command } from 'commander';
import { type CommandContext, displayName, isPostgresUrl } from '../context.js';
import { CliError } from '../errors.js';

/**
 * `agentdb <dir> mcp [options]`: serves the database over the Model Context Protocol. The options are
 * @agentdb/mcp's own (the same as its `agentdb-mcp` program), so they are passed through unparsed;
 * `agentdb <dir> mcp --help` prints them.
 */
export function registerMcp(program: Command, ctx: CommandContext): void {
  program
    .command('mcp')
    .description('serve the database to AI agents over the Model Context Protocol (stdio, or --http)')
    .argument('[options...]', 'see agentdb <dir> mcp --help')
    .helpOption(false)
    .allowUnknownOption()
    .action((args: string[]) => {
      if (!(ctx.stdin instanceof Readable)) throw new CliError('mcp needs a readable stdin');
      // Protocol messages are whole strings: hand them to the CLI's stdout as they are.
      const stdout = new Writable({
        decodeStrings: false,
        write(chunk: string | Buffer, _encoding, done) {
          ctx.out.raw(typeof chunk === 'string' ? chunk : chunk.toString('utf8'));
          done();
        },
      });
      return runMcpCommand(ctx.target, args, {
        stdin: ctx.stdin,
        stdout,
        note: ctx.note,
        env: process.env,
        signal: ctx.interrupted(),
        program: 'agentdb <dir> mcp',
        name: displayName(ctx.target),
        // A directory is opened by @agentdb/mcp itself (with its TTL sweeper: a server runs long).
        ...(isPostgresUrl(ctx.target)
          ? {
              open: async (readOnly: boolean) =>
                new AgentDB(await PostgresDatabase.open({ connectionString: ctx.target, create: !readOnly })),
            }
          : {}),
      });
    });
}
