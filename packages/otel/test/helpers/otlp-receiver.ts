import { createServer, type IncomingMessage } from 'node:http';
import type { AddressInfo } from 'node:net';
import { fileURLToPath } from 'node:url';
import type {
  IAnyValue,
  IKeyValue,
} from '@opentelemetry/otlp-transformer/build/src/common/internal-types.js';
import type {
  IExportTraceServiceRequest,
  ISpan,
} from '@opentelemetry/otlp-transformer/build/src/trace/internal-types.js';
import protobuf from 'protobufjs';

/**
 * A local OTLP/HTTP trace receiver (what a collector does on :4318/v1/traces), on 127.0.0.1 and a free
 * port. It accepts `application/json` and `application/x-protobuf` bodies, decodes both into
 * `@opentelemetry/otlp-transformer`'s `IExportTraceServiceRequest` shape (protobuf with the official OTLP
 * .proto files in test/fixtures/otlp-proto), and flattens them into `ReceivedSpan`s for assertions.
 */

/** One span as received, with ids in hex, times as exact bigint nanoseconds and attributes as plain values. */
export interface ReceivedSpan {
  traceId: string;
  spanId: string;
  parentSpanId: string | undefined;
  name: string;
  kind: number;
  startTimeUnixNano: bigint;
  endTimeUnixNano: bigint;
  attributes: Record<string, unknown>;
  status: { code: number; message: string | undefined };
  events: { name: string; timeUnixNano: bigint; attributes: Record<string, unknown> }[];
  resource: Record<string, unknown>;
  scope: { name: string; version: string | undefined };
}

export interface OtlpReceiver {
  /** The traces URL to give an OTLP exporter. */
  url: string;
  /** Every request body's content type, in arrival order. */
  contentTypes: string[];
  /** Every span received so far, in arrival order. */
  spans: ReceivedSpan[];
  /** Answer the next `n` requests with this HTTP status (to test failures). */
  failNext(n: number, status: number): void;
  close(): Promise<void>;
}

const PROTO_ROOT = fileURLToPath(new URL('../fixtures/otlp-proto/', import.meta.url));
let requestType: protobuf.Type | undefined;

async function protobufRequestType(): Promise<protobuf.Type> {
  if (requestType === undefined) {
    const root = new protobuf.Root();
    root.resolvePath = (_origin, target) => PROTO_ROOT + target;
    await root.load('opentelemetry/proto/collector/trace/v1/trace_service.proto', { keepCase: false });
    requestType = root.lookupType('opentelemetry.proto.collector.trace.v1.ExportTraceServiceRequest');
  }
  return requestType;
}

async function bodyOf(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

/** Decodes one request body by its content type. */
export async function decodeRequest(
  contentType: string,
  body: Uint8Array,
): Promise<IExportTraceServiceRequest> {
  if (contentType.startsWith('application/json')) {
    return JSON.parse(Buffer.from(body).toString('utf8')) as IExportTraceServiceRequest;
  }
  if (contentType.startsWith('application/x-protobuf')) {
    const type = await protobufRequestType();
    // Bytes stay bytes (ids are converted to hex below); 64-bit times become exact decimal strings.
    return type.toObject(type.decode(body), {
      longs: String,
      enums: Number,
      arrays: true,
    }) as IExportTraceServiceRequest;
  }
  throw new Error(`unexpected content type ${contentType}`);
}

const hex = (id: string | Uint8Array | undefined): string | undefined => {
  if (id === undefined) return undefined;
  const s = typeof id === 'string' ? id : Buffer.from(id).toString('hex');
  return s === '' ? undefined : s;
};

/** An OTLP AnyValue as a plain value. */
export function plain(v: IAnyValue): unknown {
  if (v.stringValue !== undefined && v.stringValue !== null) return v.stringValue;
  if (v.boolValue !== undefined && v.boolValue !== null) return v.boolValue;
  if (v.intValue !== undefined && v.intValue !== null) return Number(v.intValue);
  if (v.doubleValue !== undefined && v.doubleValue !== null) return v.doubleValue;
  if (v.arrayValue !== undefined) return (v.arrayValue.values ?? []).map(plain);
  if (v.kvlistValue !== undefined) return attributesOf(v.kvlistValue.values);
  if (v.bytesValue !== undefined) return v.bytesValue;
  return undefined;
}

export function attributesOf(kvs: IKeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((kvs ?? []).map((kv) => [kv.key, plain(kv.value)]));
}

/** Flattens a decoded request into spans. */
export function spansOf(request: IExportTraceServiceRequest): ReceivedSpan[] {
  const out: ReceivedSpan[] = [];
  for (const rs of request.resourceSpans ?? []) {
    const resource = attributesOf(rs.resource?.attributes);
    for (const ss of rs.scopeSpans ?? []) {
      for (const s of ss.spans ?? []) out.push(spanOf(s, resource, ss.scope?.name ?? '', ss.scope?.version));
    }
  }
  return out;
}

function spanOf(
  s: ISpan,
  resource: Record<string, unknown>,
  scope: string,
  version: string | undefined | null,
): ReceivedSpan {
  return {
    traceId: hex(s.traceId)!,
    spanId: hex(s.spanId)!,
    parentSpanId: hex(s.parentSpanId),
    name: s.name,
    kind: s.kind,
    startTimeUnixNano: BigInt(String(s.startTimeUnixNano)),
    endTimeUnixNano: BigInt(String(s.endTimeUnixNano)),
    attributes: attributesOf(s.attributes),
    status: { code: s.status?.code ?? 0, message: s.status?.message ?? undefined },
    events: (s.events ?? []).map((e) => ({
      name: e.name,
      timeUnixNano: BigInt(String(e.timeUnixNano)),
      attributes: attributesOf(e.attributes),
    })),
    resource,
    scope: { name: scope, version: version ?? undefined },
  };
}

/**
 * Starts a receiver on 127.0.0.1 at a free port.
 *
 * @example
 * const receiver = await startOtlpReceiver();
 * await exportRun(db, run, new OTLPTraceExporter({ url: receiver.url }));
 * receiver.spans; // what arrived
 */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const contentTypes: string[] = [];
  const spans: ReceivedSpan[] = [];
  let failures: { left: number; status: number } = { left: 0, status: 200 };
  const server = createServer((req, res) => {
    void (async () => {
      try {
        if (req.method !== 'POST' || req.url !== '/v1/traces') {
          res.writeHead(404).end();
          return;
        }
        const contentType = req.headers['content-type'] ?? '';
        const body = await bodyOf(req);
        if (failures.left > 0) {
          failures = { left: failures.left - 1, status: failures.status };
          res.writeHead(failures.status).end();
          return;
        }
        const request = await decodeRequest(contentType, body);
        contentTypes.push(contentType);
        spans.push(...spansOf(request));
        // An empty ExportTraceServiceResponse: full success, in the request's encoding.
        if (contentType.startsWith('application/json')) {
          res.writeHead(200, { 'content-type': 'application/json' }).end('{}');
        } else {
          res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
        }
      } catch (error) {
        res.writeHead(400, { 'content-type': 'text/plain' }).end(String(error));
      }
    })();
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}/v1/traces`,
    contentTypes,
    spans,
    failNext(n, status) {
      failures = { left: n, status };
    },
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((e) => (e ? reject(e) : resolve()));
      }),
  };
}
