import { type ChildProcess, spawn } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { ACK_KINDS, type AckKind } from './workload.js';

/** What the workers reported while they ran. */
export interface WorkerReports {
  /** Ids of acknowledged transactions, by kind, in the order they were acknowledged. */
  acked: Record<AckKind, string[]>;
  kills: number;
  /** Workers started, restarts included. */
  starts: number;
  /** Failed transactions by error code (a worker's own errors; a kill is not one). */
  errors: Record<string, number>;
  /** The first few error lines, for the report. */
  errorSamples: string[];
  /** Stale write transactions the engine repaired, summed over every worker incarnation. */
  staleStarts: number;
}

export interface SuperviseOptions {
  dir: string;
  seconds: number;
  workers: number;
  killMinMs: number;
  killMaxMs: number;
  /** Durability of each worker, by index (`mixed` alternates). */
  durabilityOf: (worker: number) => 'strict' | 'buffered';
  /** Called about once a second with the reports so far. */
  onProgress?: (reports: WorkerReports, elapsedMs: number) => void;
}

const WORKER = fileURLToPath(new URL('./worker.js', import.meta.url));

/**
 * Runs `workers` worker processes on one directory for `seconds`, SIGKILLing a random one every
 * `killMinMs`–`killMaxMs` and starting it again at once, then kills them all.
 */
export async function supervise(opts: SuperviseOptions): Promise<WorkerReports> {
  const reports: WorkerReports = {
    acked: Object.fromEntries(ACK_KINDS.map((k) => [k, []])) as unknown as Record<AckKind, string[]>,
    kills: 0,
    starts: 0,
    errors: {},
    errorSamples: [],
    staleStarts: 0,
  };
  const running = new Map<number, { child: ChildProcess; exited: Promise<void> }>();

  const start = (w: number) => {
    const child = spawn(process.execPath, [WORKER, opts.dir, `w${w}`, opts.durabilityOf(w)], {
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    reports.starts++;
    let stale = 0;
    lines(child.stdout!, (line) => {
      const [kind, id] = line.split(' ');
      if (kind === 'stale') {
        reports.staleStarts += Number(id) - stale;
        stale = Number(id);
      } else if (ACK_KINDS.includes(kind as AckKind) && id !== undefined) {
        reports.acked[kind as AckKind].push(id);
      }
    });
    lines(child.stderr!, (line) => {
      const code = line.startsWith('error ') ? line.split(' ')[1]! : 'OUTPUT';
      noteError(code, line);
    });
    // A worker that ends by itself (not our SIGKILL) crashed: that is an error of the soak.
    const exited = new Promise<void>((resolve) => {
      child.once('exit', (code, signal) => {
        if (signal !== 'SIGKILL')
          noteError('EXIT', `worker w${w} exited by itself (code ${code}, signal ${signal})`);
        resolve();
      });
    });
    running.set(w, { child, exited });
  };
  const noteError = (code: string, line: string) => {
    reports.errors[code] = (reports.errors[code] ?? 0) + 1;
    if (reports.errorSamples.length < 10) reports.errorSamples.push(line.slice(0, 300));
  };
  const kill = async (w: number) => {
    const { child, exited } = running.get(w)!;
    child.kill('SIGKILL'); // a no-op when it has already exited
    await exited;
  };

  for (let w = 0; w < opts.workers; w++) start(w);
  const began = Date.now();
  let lastProgress = began;
  while (Date.now() - began < opts.seconds * 1000) {
    await sleep(opts.killMinMs + Math.random() * (opts.killMaxMs - opts.killMinMs));
    const w = Math.floor(Math.random() * opts.workers);
    await kill(w);
    reports.kills++;
    start(w);
    if (Date.now() - lastProgress >= 1000) {
      lastProgress = Date.now();
      opts.onProgress?.(reports, lastProgress - began);
    }
  }
  for (const w of running.keys()) await kill(w);
  // Let the pipes deliver what the killed workers wrote before they died.
  await sleep(50);
  return reports;
}

function lines(stream: NodeJS.ReadableStream, onLine: (line: string) => void): void {
  let buffered = '';
  stream.setEncoding('utf8');
  stream.on('data', (chunk: string) => {
    buffered += chunk;
    const parts = buffered.split('\n');
    buffered = parts.pop()!;
    for (const line of parts) if (line.length > 0) onLine(line);
  });
}

function sleep(ms: number): Promise<void> {
  return new Promise((resolve) => setTimeout(resolve, ms));
}
