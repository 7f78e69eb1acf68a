import type { Tracer } from '@opentelemetry/api';

/** Where a server's spans go: a tracer, whether prompts and completions are recorded, shutdown. */
export interface Telemetry {
  tracer: Tracer;
  /**
   * Record prompt and completion text (`gen_ai.input.messages`, `gen_ai.output.messages`). Off
   * unless `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true`: they hold user data.
   */
  captureContent: boolean;
  /** Sends the spans still buffered and stops. */
  shutdown(): Promise<void>;
}

/** The environment variables that turn tracing on (the standard OTLP ones). */
export const TELEMETRY_ENVIRONMENT = {
  endpoint: 'OTEL_EXPORTER_OTLP_ENDPOINT',
  tracesEndpoint: 'OTEL_EXPORTER_OTLP_TRACES_ENDPOINT',
  headers: 'OTEL_EXPORTER_OTLP_HEADERS',
  tracesHeaders: 'OTEL_EXPORTER_OTLP_TRACES_HEADERS',
  serviceName: 'OTEL_SERVICE_NAME',
  sdkDisabled: 'OTEL_SDK_DISABLED',
  captureContent: 'OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT',
} as const;

/** Whether the environment asks for traces (an OTLP endpoint is set and the SDK not disabled). */
export function tracingRequested(environment: Record<string, string | undefined>): boolean {
  if (environment[TELEMETRY_ENVIRONMENT.sdkDisabled]?.trim().toLowerCase() === 'true') return false;
  return Boolean(
    environment[TELEMETRY_ENVIRONMENT.tracesEndpoint]?.trim() ||
      environment[TELEMETRY_ENVIRONMENT.endpoint]?.trim(),
  );
}

/**
 * Telemetry exporting over OTLP/HTTP (JSON) as the standard variables say, or undefined when
 * they ask for none. The OpenTelemetry SDK is imported only here, only when asked for: a server
 * without `OTEL_EXPORTER_OTLP_ENDPOINT` never loads it.
 *
 * - traces go to `OTEL_EXPORTER_OTLP_TRACES_ENDPOINT`, else `OTEL_EXPORTER_OTLP_ENDPOINT` +
 *   `/v1/traces`;
 * - `OTEL_EXPORTER_OTLP_HEADERS` / `…_TRACES_HEADERS`: `name=value` pairs, comma-separated;
 * - `OTEL_SERVICE_NAME` (default `catalyst`);
 * - `OTEL_SDK_DISABLED=true` turns it off.
 *
 * @example
 * const telemetry = await createOtlpTelemetry({ environment: process.env });
 */
export async function createOtlpTelemetry(options: {
  environment: Record<string, string | undefined>;
}): Promise<Telemetry | undefined> {
  const { environment } = options;
  if (!tracingRequested(environment)) return undefined;
  const [
    { BasicTracerProvider, BatchSpanProcessor },
    { OTLPTraceExporter },
    { resourceFromAttributes },
  ] = await Promise.all([
    import('@opentelemetry/sdk-trace-base'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
  ]);
  const tracesEndpoint = environment[TELEMETRY_ENVIRONMENT.tracesEndpoint]?.trim();
  const base = environment[TELEMETRY_ENVIRONMENT.endpoint]?.trim().replace(/\/+$/, '');
  const url = tracesEndpoint || `${base}/v1/traces`;
  const headers = {
    ...parseHeaderList(environment[TELEMETRY_ENVIRONMENT.headers]),
    ...parseHeaderList(environment[TELEMETRY_ENVIRONMENT.tracesHeaders]),
  };
  const provider = new BasicTracerProvider({
    resource: resourceFromAttributes({
      'service.name': environment[TELEMETRY_ENVIRONMENT.serviceName]?.trim() || 'catalyst',
    }),
    spanProcessors: [new BatchSpanProcessor(new OTLPTraceExporter({ url, headers }))],
  });
  return {
    tracer: provider.getTracer('catalyst'),
    captureContent: captureContentRequested(environment),
    shutdown: () => provider.shutdown(),
  };
}

/** Whether `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT` is `true`. */
export function captureContentRequested(environment: Record<string, string | undefined>): boolean {
  return environment[TELEMETRY_ENVIRONMENT.captureContent]?.trim().toLowerCase() === 'true';
}

/** `a=1,b=2` (values percent-decoded, as the OTLP specification says) as a header object. */
function parseHeaderList(value: string | undefined): Record<string, string> {
  const headers: Record<string, string> = {};
  for (const pair of (value ?? '').split(',')) {
    const index = pair.indexOf('=');
    if (index <= 0) continue;
    const name = pair.slice(0, index).trim();
    const raw = pair.slice(index + 1).trim();
    try {
      headers[name] = decodeURIComponent(raw);
    } catch {
      headers[name] = raw;
    }
  }
  return headers;
}
