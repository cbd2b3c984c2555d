import { type Context, ROOT_CONTEXT, type SpanOptions } from '@opentelemetry/api';
import type { ExportResult } from '@opentelemetry/core';
import { resourceFromAttributes } from '@opentelemetry/resources';
import {
  BasicTracerProvider,
  InMemorySpanExporter,
  type ReadableSpan,
  SimpleSpanProcessor,
  type SpanExporter,
} from '@opentelemetry/sdk-trace-base';

/** Real SDK spans, made by a tracer whose resource names `runId`, collected instead of exported. */
export class SpanFactory {
  readonly #memory = new InMemorySpanExporter();
  readonly #provider: BasicTracerProvider;

  constructor(runId = 'run-1') {
    this.#provider = new BasicTracerProvider({
      resource: resourceFromAttributes({ 'agentdb.run.id': runId }),
      spanProcessors: [new SimpleSpanProcessor(this.#memory)],
    });
  }

  /** A finished span. @example const s = spans.ended('step', { attributes: { a: 1 } }) */
  ended(name: string, options: SpanOptions = {}, context: Context = ROOT_CONTEXT): ReadableSpan {
    const span = this.#provider.getTracer('test').startSpan(name, options, context);
    span.end();
    return this.#memory.getFinishedSpans().at(-1)!;
  }

  /** A span that was never ended (its end time is [0, 0]). */
  open(name: string, options: SpanOptions = {}, context: Context = ROOT_CONTEXT): ReadableSpan {
    return this.#provider.getTracer('test').startSpan(name, options, context) as unknown as ReadableSpan;
  }
}

/** One `export` call, as a promise of its result. */
export function exportBatch(exporter: SpanExporter, spans: ReadableSpan[]): Promise<ExportResult> {
  return new Promise((resolve) => exporter.export(spans, resolve));
}
