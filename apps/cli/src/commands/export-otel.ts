import { exportRun, runSpans } from '@agentdb/otel';
import { OTLPTraceExporter as OTLPJsonExporter } from '@opentelemetry/exporter-trace-otlp-http';
import { OTLPTraceExporter as OTLPProtoExporter } from '@opentelemetry/exporter-trace-otlp-proto';
import { JsonTraceSerializer } from '@opentelemetry/otlp-transformer';
import type { Command } from 'commander';
import { type CommandContext, withDatabase } from '../context.js';
import { usageError } from '../errors.js';
import { requireRun } from '../run-ids.js';

interface ExportOtelOptions {
  endpoint?: string;
  protocol: string;
}

const PROTOCOLS = ['http/protobuf', 'http/json'];

/**
 * The traces URL for `--endpoint`: a URL without a path is a collector's base URL and gets `/v1/traces`
 * (as OTEL_EXPORTER_OTLP_ENDPOINT does); any other URL is used as it is.
 */
function tracesUrl(endpoint: string): string {
  let url: URL;
  try {
    url = new URL(endpoint);
  } catch {
    throw usageError(`--endpoint must be an http(s) URL, got "${endpoint}"`);
  }
  if (url.protocol !== 'http:' && url.protocol !== 'https:') {
    throw usageError(`--endpoint must be an http(s) URL, got "${endpoint}"`);
  }
  if (url.pathname === '/' || url.pathname === '') url.pathname = '/v1/traces';
  return url.href;
}

/**
 * `agentdb <dir> export-otel <run> [--endpoint URL] [--protocol p]`: the run's traces as OpenTelemetry
 * spans (@agentdb/otel), POSTed over OTLP/HTTP to a collector, or printed as one OTLP/JSON request.
 */
export function registerExportOtel(program: Command, ctx: CommandContext): void {
  program
    .command('export-otel')
    .description(
      "send a run's traces to an OpenTelemetry collector over OTLP/HTTP, or print them as OTLP/JSON (no --endpoint)",
    )
    .argument('<run>', 'run id')
    .option(
      '--endpoint <url>',
      'collector URL: http://host:4318 (…/v1/traces is added) or the full traces URL',
    )
    .option('--protocol <protocol>', `with --endpoint: ${PROTOCOLS.join(' or ')}`, 'http/protobuf')
    .action((runId: string, opts: ExportOtelOptions) => {
      if (!PROTOCOLS.includes(opts.protocol)) {
        throw usageError(`--protocol must be ${PROTOCOLS.join(' or ')}, got "${opts.protocol}"`);
      }
      const url = opts.endpoint === undefined ? undefined : tracesUrl(opts.endpoint);
      return withDatabase(ctx, { kind: 'read' }, async (db) => {
        await requireRun(db, ctx.dir, runId);
        if (url === undefined) {
          // One ExportTraceServiceRequest on one line: what a collector's otlpjsonfile receiver reads.
          const body = JsonTraceSerializer.serializeRequest(await runSpans(db, runId));
          ctx.out.line(Buffer.from(body ?? new Uint8Array()).toString('utf8'));
          return;
        }
        // Headers (authentication) come from OTEL_EXPORTER_OTLP_HEADERS, read by the exporter itself.
        const exporter =
          opts.protocol === 'http/json' ? new OTLPJsonExporter({ url }) : new OTLPProtoExporter({ url });
        try {
          const { spans, traceId } = await exportRun(db, runId, exporter);
          ctx.note(`exported ${spans} spans of run "${runId}" to ${url} (trace id ${traceId})`);
        } finally {
          await exporter.shutdown();
        }
      });
    });
}
