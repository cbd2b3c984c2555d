#!/usr/bin/env node
import { isAgentDBError } from '@agentdb/primitives';
import { mcpUsage, runMcpCommand } from './mcp-command.js';

// `agentdb-mcp <dir> [options]`: the same command as `agentdb <dir> mcp`, for installs without the CLI.
const PROGRAM = 'agentdb-mcp <dir>';
const [dir, ...args] = process.argv.slice(2);

if (dir === undefined || dir.startsWith('-')) {
  const help = dir === '-h' || dir === '--help';
  (help ? process.stdout : process.stderr).write(mcpUsage(PROGRAM));
  process.exitCode = help ? 0 : 2;
} else {
  const stop = new AbortController();
  process.once('SIGINT', () => stop.abort());
  process.once('SIGTERM', () => stop.abort());
  try {
    await runMcpCommand(dir, args, {
      stdin: process.stdin,
      stdout: process.stdout,
      note: (line) => process.stderr.write(`${line}\n`),
      env: process.env,
      signal: stop.signal,
      program: PROGRAM,
    });
  } catch (error) {
    process.stderr.write(`agentdb-mcp: ${error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = isAgentDBError(error, 'INVALID_ARGUMENT') ? 2 : 1;
  }
}
