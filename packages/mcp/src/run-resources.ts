import { type AgentDB, AgentDBError, validateRunId } from '@agentdb/primitives';
import { type McpServer, ResourceTemplate } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ReadResourceResult } from '@modelcontextprotocol/sdk/types.js';
import type { ToolContext } from './tool.js';
import { readTrees } from './traces-tools.js';
import { eventToWire } from './wire-event.js';
import { runToWire } from './wire-run.js';

/** Events a log resource holds at most; `events_read` pages through longer logs. */
export const MAX_RESOURCE_EVENTS = 10_000;

/** A run's resource URIs. @example runUri('r1', 'events') // 'agentdb://runs/r1/events' */
export function runUri(runId: string, part?: 'events' | 'traces'): string {
  return `agentdb://runs/${runId}${part === undefined ? '' : `/${part}`}`;
}

/** The run id in a template variable, checked like any tool argument. */
function runIdOf(variables: Record<string, string | string[]>, ctx: ToolContext): string {
  const value = variables.run_id;
  const runId = Array.isArray(value) ? value[0] : value;
  validateRunId(runId);
  ctx.scope.check(runId);
  return runId;
}

function json(uri: URL, body: unknown): ReadResourceResult {
  return { contents: [{ uri: uri.href, mimeType: 'application/json', text: JSON.stringify(body, null, 2) }] };
}

/** A run's record and how much it holds; NOT_FOUND when the run has neither. */
async function runSummary(db: AgentDB, runId: string) {
  return db.engine.transaction(async (tx) => {
    const run = await db.runs.in(tx, runId).getRun();
    const counts = {
      events: await db.events.in(tx, runId).len(),
      traces: await db.traces.in(tx, runId).count(),
      state_cells: (await db.state.in(tx, runId).list()).length,
      kv_keys: (await db.kv.in(tx, runId).list()).length,
    };
    if (run === undefined && Object.values(counts).every((n) => n === 0))
      throw new AgentDBError('NOT_FOUND', `run ${runId} has no record and no data`);
    return {
      run: run === undefined ? null : runToWire(run),
      counts,
      events_uri: runUri(runId, 'events'),
      traces_uri: runUri(runId, 'traces'),
    };
  });
}

/**
 * Registers a run's three resources, readable for any run in scope and listed for every run the index
 * knows: `agentdb://runs/{run_id}` (record and counts), `…/events` (the event log, with its chain
 * verification) and `…/traces` (the trace trees).
 *
 * @example
 * registerRunResources(server, { db, scope });
 */
export function registerRunResources(server: McpServer, ctx: ToolContext): void {
  const { db, scope } = ctx;
  const runsInScope = async () => (await db.runs.queryRuns({})).filter((r) => scope.allows(r.runId));
  const completeRunId = async (prefix: string) =>
    (await db.runs.listRuns()).filter((id) => id.startsWith(prefix) && scope.allows(id)).slice(0, 100);
  const template = (part?: 'events' | 'traces') =>
    new ResourceTemplate(runUri('{run_id}', part), {
      list: async () => ({
        resources: (await runsInScope()).map((r) => ({
          uri: runUri(r.runId, part),
          name: `${r.name ?? r.runId}${part === undefined ? '' : ` (${part})`}`,
          mimeType: 'application/json',
        })),
      }),
      complete: { run_id: completeRunId },
    });

  server.registerResource(
    'run',
    template(),
    {
      title: 'Run',
      description:
        "A run's record (status, name, tags, parent, metadata, times) and how many events, traces, state cells and keys it holds.",
      mimeType: 'application/json',
    },
    async (uri, variables) => json(uri, await runSummary(db, runIdOf(variables, ctx))),
  );

  server.registerResource(
    'run-events',
    template('events'),
    {
      title: 'Run event log',
      description: `A run's hash-chained event log in order (the first ${MAX_RESOURCE_EVENTS}; events_read pages through the rest) and whether the chain verifies.`,
      mimeType: 'application/json',
    },
    async (uri, variables) => {
      const runId = runIdOf(variables, ctx);
      // One snapshot: the length, the events and the verdict agree.
      const body = await db.engine.transaction(async (tx) => {
        const log = db.events.in(tx, runId);
        const length = await log.len();
        const events = await log.readRange(0, MAX_RESOURCE_EVENTS);
        const { valid } = await log.verifyChain();
        return {
          run_id: runId,
          length,
          valid,
          truncated: length > events.length,
          events: events.map(eventToWire),
        };
      });
      return json(uri, body);
    },
  );

  server.registerResource(
    'run-traces',
    template('traces'),
    {
      title: 'Run trace trees',
      description: "A run's recorded reasoning steps as trees, each step with its children in time order.",
      mimeType: 'application/json',
    },
    async (uri, variables) => {
      const runId = runIdOf(variables, ctx);
      const trees = await readTrees(db, runId);
      return json(uri, { run_id: runId, trees });
    },
  );
}
