import { type SpawnOptions, spawn } from 'node:child_process';

/** What a finished child process said. */
export interface Ran {
  code: number | null;
  stdout: string;
  stderr: string;
}

/**
 * The environment of a process that must behave as on a user's machine: without the variables the
 * test's own runners set (pnpm's and npm's `npm_config_*`, turbo's, vitest's), which would point
 * its package manager at this repository's settings.
 *
 * @example spawn('npm', ['install'], { env: userEnv({ npm_config_cache: dir }) })
 */
export function userEnv(extra: Record<string, string> = {}): NodeJS.ProcessEnv {
  const env: NodeJS.ProcessEnv = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (/^(npm_|pnpm_|turbo_|vitest|node_options$|init_cwd$)/i.test(name)) continue;
    env[name] = value;
  }
  return { ...env, ...extra };
}

/**
 * Runs a command to its end and collects its output; never throws for a non-zero exit (callers
 * assert on `code` and show the output when it is wrong).
 *
 * @example const { code, stdout } = await run('npm', ['--version'], { cwd })
 */
export function run(command: string, args: string[], options: SpawnOptions = {}): Promise<Ran> {
  return new Promise((resolve, reject) => {
    const child = spawn(command, args, { ...options, stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout?.on('data', (chunk: Buffer) => {
      stdout += chunk;
    });
    child.stderr?.on('data', (chunk: Buffer) => {
      stderr += chunk;
    });
    child.on('error', reject);
    child.on('close', (code) => resolve({ code, stdout, stderr }));
  });
}

/**
 * Like `run`, but a non-zero exit throws with the command and the end of its output.
 *
 * @example await mustRun('pnpm', ['add', '@agentdb/kv'], { cwd })
 */
export async function mustRun(command: string, args: string[], options: SpawnOptions = {}): Promise<Ran> {
  const ran = await run(command, args, options);
  if (ran.code !== 0) {
    const tail = `${ran.stdout}\n${ran.stderr}`.trim().split('\n').slice(-40).join('\n');
    throw new Error(`${command} ${args.join(' ')} exited ${ran.code} in ${String(options.cwd)}:\n${tail}`);
  }
  return ran;
}
