import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gunzipSync } from 'node:zlib';

/** A span as an OTLP collector receives it (the fields the tests look at). */
export interface ReceivedSpan {
  service: string | undefined;
  traceId: string;
  spanId: string;
  /** Empty for a root span. */
  parentSpanId: string;
  name: string;
  /** OTLP's SpanKind: 1 internal, 2 server, 3 client, 4 producer, 5 consumer. */
  kind: number;
  attributes: Record<string, unknown>;
  events: { name: string; attributes: Record<string, unknown> }[];
  /** OTLP's status code: 0 unset, 1 ok, 2 error. */
  statusCode: number;
}

/** A protobuf field: its number, and its value (a number or the raw bytes of a nested message). */
type Field = { no: number; value: number | Buffer };

/** Splits one protobuf message into its fields (wire types varint, 64-bit, bytes, 32-bit). */
function fields(bytes: Buffer): Field[] {
  const out: Field[] = [];
  let at = 0;
  const varint = () => {
    let value = 0;
    let scale = 1;
    for (;;) {
      const byte = bytes[at++]!;
      value += (byte & 0x7f) * scale;
      if (byte < 0x80) return value;
      scale *= 128;
    }
  };
  while (at < bytes.length) {
    const key = varint();
    const no = Math.floor(key / 8);
    const wire = key % 8;
    if (wire === 0) out.push({ no, value: varint() });
    else if (wire === 1) {
      out.push({ no, value: bytes.subarray(at, at + 8) });
      at += 8;
    } else if (wire === 2) {
      const length = varint();
      out.push({ no, value: bytes.subarray(at, at + length) });
      at += length;
    } else if (wire === 5) {
      out.push({ no, value: bytes.subarray(at, at + 4) });
      at += 4;
    } else throw new Error(`unexpected protobuf wire type ${wire}`);
  }
  return out;
}

const each = (message: Buffer, no: number) =>
  fields(message)
    .filter((field) => field.no === no)
    .map((field) => field.value);
const nested = (message: Buffer, no: number) => each(message, no) as Buffer[];
const text = (message: Buffer, no: number) => nested(message, no)[0]?.toString('utf8') ?? '';
const hex = (message: Buffer, no: number) => nested(message, no)[0]?.toString('hex') ?? '';
const num = (message: Buffer, no: number) => (each(message, no)[0] as number | undefined) ?? 0;

/** opentelemetry.proto.common.v1.AnyValue */
function anyValue(value: Buffer): unknown {
  const [field] = fields(value);
  if (field === undefined) return undefined;
  switch (field.no) {
    case 1:
      return (field.value as Buffer).toString('utf8');
    case 2:
      return field.value === 1;
    case 3:
      return field.value;
    case 4:
      return (field.value as Buffer).readDoubleLE(0);
    case 5:
      return nested(field.value as Buffer, 1).map(anyValue);
    default:
      return field.value;
  }
}

/** repeated opentelemetry.proto.common.v1.KeyValue */
function attributes(message: Buffer, no: number): Record<string, unknown> {
  return Object.fromEntries(
    nested(message, no).map((kv) => [text(kv, 1), anyValue(nested(kv, 2)[0] ?? Buffer.alloc(0))]),
  );
}

/** Decodes an ExportTraceServiceRequest (opentelemetry/proto/collector/trace/v1). */
function decode(body: Buffer): ReceivedSpan[] {
  const spans: ReceivedSpan[] = [];
  for (const resourceSpans of nested(body, 1)) {
    const resource = nested(resourceSpans, 1)[0];
    const service = resource === undefined ? undefined : attributes(resource, 1)['service.name'];
    for (const scopeSpans of nested(resourceSpans, 2)) {
      for (const span of nested(scopeSpans, 2)) {
        const status = nested(span, 15)[0];
        spans.push({
          service: typeof service === 'string' ? service : undefined,
          traceId: hex(span, 1),
          spanId: hex(span, 2),
          parentSpanId: hex(span, 4),
          name: text(span, 5),
          kind: num(span, 6),
          attributes: attributes(span, 9),
          events: nested(span, 11).map((event) => ({
            name: text(event, 2),
            attributes: attributes(event, 3),
          })),
          statusCode: status === undefined ? 0 : num(status, 3),
        });
      }
    }
  }
  return spans;
}

export interface OtlpReceiver {
  /** The collector's base URL, for `OTEL_EXPORTER_OTLP_ENDPOINT`. */
  endpoint: string;
  /** Every span received so far, in arrival order. */
  spans: ReceivedSpan[];
  /** Content types of the requests received (the exporter's protocol). */
  contentTypes: Set<string>;
  close(): Promise<void>;
}

/** An in-process OTLP/HTTP collector on a free port: `POST /v1/traces` with protobuf bodies. */
export async function startOtlpReceiver(): Promise<OtlpReceiver> {
  const spans: ReceivedSpan[] = [];
  const contentTypes = new Set<string>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      if (req.method !== 'POST' || req.url !== '/v1/traces') {
        res.writeHead(404).end();
        return;
      }
      contentTypes.add(req.headers['content-type'] ?? '');
      const raw = Buffer.concat(chunks);
      spans.push(...decode(req.headers['content-encoding'] === 'gzip' ? gunzipSync(raw) : raw));
      // an empty ExportTraceServiceResponse: everything accepted
      res.writeHead(200, { 'content-type': 'application/x-protobuf' }).end();
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address() as AddressInfo;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    spans,
    contentTypes,
    close: () =>
      new Promise<void>((resolve, reject) =>
        server.close((error) => (error === undefined ? resolve() : reject(error))),
      ),
  };
}
