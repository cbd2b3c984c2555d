import { type AgentDB, invalidArgument } from '@agentdb/primitives';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import type { RunScope } from './run-scope.js';
import { describeIssues, toolError } from './tool-error.js';

/** What every tool works with. */
export interface ToolContext {
  readonly db: AgentDB;
  readonly scope: RunScope;
}

/** Whether a tool only reads (all a read-only server offers) or also writes. */
export type ToolAccess = 'read' | 'write';

/** The parsed arguments of a tool with input shape `I`. */
export type ArgsOf<I extends z.ZodRawShape> = z.infer<z.ZodObject<I, z.core.$strict>>;
/** The structured result of a tool with output shape `O`. */
export type ResultOf<O extends z.ZodRawShape> = z.infer<z.ZodObject<O>>;

/** Everything that defines one tool. */
export interface ToolSpec<I extends z.ZodRawShape, O extends z.ZodRawShape> {
  /** snake_case, `<primitive>_<verb>`. */
  name: string;
  title: string;
  /** Written for a model: what it does, when to use it, what it returns. */
  description: string;
  input: I;
  output: O;
  access: ToolAccess;
  /** A write that can overwrite or remove data (MCP `destructiveHint`). */
  destructive?: boolean;
  /** Repeating the call with the same arguments changes nothing more (MCP `idempotentHint`). */
  idempotent?: boolean;
  run(args: ArgsOf<I>, ctx: ToolContext): Promise<ResultOf<O>>;
  /** One line saying what happened, shown before the JSON of the result. */
  summary(result: ResultOf<O>, args: ArgsOf<I>): string;
}

/** A tool ready to be registered on a server. */
export interface Tool {
  readonly name: string;
  readonly access: ToolAccess;
  register(server: McpServer, ctx: ToolContext): void;
}

/** Arguments that name runs: each is checked against the server's scope before the tool runs. */
const RUN_ARGUMENTS = ['run_id', 'parent_run_id'] as const;

/**
 * The JSON Schema a client sees for `schema`, as the SDK would write it (draft-07, input side):
 * `z.strictObject({ key: z.string() })` gives `{ type: 'object', properties: { key: … }, … }`.
 */
function jsonSchemaOf(schema: z.ZodType): Record<string, unknown> {
  const { $schema: _, ...json } = z.toJSONSchema(schema, { target: 'draft-7', io: 'input' });
  return json;
}

/**
 * A tool from its spec. Arguments are parsed by the tool's own strict zod schema, so a refusal is a
 * tool error with code `INVALID_ARGUMENT` naming each bad field (the SDK's own check would answer with
 * bare text and no code). The SDK is handed an object schema that accepts any object and carries the
 * strict schema's JSON Schema as metadata: clients list exactly the strict schema.
 *
 * @example
 * const kvExists = defineTool({
 *   name: 'kv_exists',
 *   title: 'Check a remembered key',
 *   description: "Whether a run's key-value memory holds key.",
 *   input: { run_id: z.string(), key: z.string() },
 *   output: { exists: z.boolean() },
 *   access: 'read',
 *   run: async ({ run_id, key }, { db }) => ({ exists: await db.kv.exists(run_id, key) }),
 *   summary: (r, a) => `"${a.key}" is ${r.exists ? '' : 'not '}set`,
 * });
 * kvExists.register(new McpServer({ name: 'notes', version: '1.0.0' }), { db, scope: RunScope.all() });
 */
export function defineTool<I extends z.ZodRawShape, O extends z.ZodRawShape>(spec: ToolSpec<I, O>): Tool {
  const strict = z.strictObject(spec.input);
  const advertised = z.looseObject({}).meta(jsonSchemaOf(strict));
  return {
    name: spec.name,
    access: spec.access,
    register(server, ctx) {
      server.registerTool(
        spec.name,
        {
          title: spec.title,
          description: spec.description,
          inputSchema: advertised,
          outputSchema: z.object(spec.output),
          annotations: {
            title: spec.title,
            readOnlyHint: spec.access === 'read',
            destructiveHint: spec.destructive === true,
            idempotentHint: spec.access === 'read' || spec.idempotent === true,
            openWorldHint: false,
          },
        },
        async (raw): Promise<CallToolResult> => {
          try {
            const parsed = strict.safeParse(raw);
            if (!parsed.success) throw invalidArgument(`${spec.name}: ${describeIssues(parsed.error)}`);
            const args = parsed.data;
            for (const name of RUN_ARGUMENTS) {
              const runId = (args as Record<string, unknown>)[name];
              if (typeof runId === 'string') ctx.scope.check(runId);
            }
            const result = await spec.run(args, ctx);
            return {
              structuredContent: result,
              content: [{ type: 'text', text: `${spec.summary(result, args)}\n${JSON.stringify(result)}` }],
            };
          } catch (error) {
            return toolError(error);
          }
        },
      );
    },
  };
}
