/** How much a server logs: each level includes the ones after it. */
export type LogLevel = 'debug' | 'info' | 'warn' | 'error' | 'silent';

/** The log levels in order, for flag and environment parsing. */
export const LOG_LEVELS: readonly LogLevel[] = ['debug', 'info', 'warn', 'error', 'silent'];

/** One finished request: the fields of its access-log line (same names in both runtimes). */
export interface RequestLogRecord {
  time: string;
  level: Exclude<LogLevel, 'silent'>;
  requestId: string;
  method: string;
  path: string;
  workflow: string | null;
  status: number;
  durationMs: number;
  timeToFirstTokenMs: number | null;
  tokens: number | null;
  costUsd: number | null;
  errorKind: string | null;
}

/** Where a server writes its log lines. */
export interface ServerLogger {
  level: LogLevel;
  /** One access-log line per request. */
  request(record: RequestLogRecord): void;
  /** Anything else (startup, shutdown, an unexpected error); `stack` is printed only at debug. */
  message(level: Exclude<LogLevel, 'silent'>, text: string, fields?: Record<string, unknown>): void;
}

/**
 * A logger writing to `stream`: JSON lines when the stream is not a terminal (log shippers parse
 * them), one readable line per request when it is.
 *
 * @example
 * const logger = createServerLogger({ stream: process.stderr, level: 'info' });
 */
export function createServerLogger(options: {
  stream: { write(text: string): unknown; isTTY?: boolean };
  level: LogLevel;
  format?: 'json' | 'text';
}): ServerLogger {
  const format = options.format ?? (options.stream.isTTY ? 'text' : 'json');
  const enabled = (level: LogLevel) =>
    LOG_LEVELS.indexOf(level) >= LOG_LEVELS.indexOf(options.level) && options.level !== 'silent';
  return {
    level: options.level,
    request(record) {
      if (!enabled(record.level)) return;
      options.stream.write(
        format === 'json' ? `${JSON.stringify(record)}\n` : `${formatRequestLine(record)}\n`,
      );
    },
    message(level, text, fields = {}) {
      if (!enabled(level)) return;
      const { stack, ...rest } = fields;
      const shown = options.level === 'debug' && stack !== undefined ? { ...rest, stack } : rest;
      if (format === 'json') {
        options.stream.write(
          `${JSON.stringify({ time: new Date().toISOString(), level, message: text, ...shown })}\n`,
        );
      } else {
        const extra = Object.entries(shown)
          .map(
            ([key, value]) => `${key}=${typeof value === 'string' ? value : JSON.stringify(value)}`,
          )
          .join(' ');
        options.stream.write(
          `${new Date().toISOString()} ${level} ${text}${extra ? ` ${extra}` : ''}\n`,
        );
      }
    },
  };
}

/** `12:00:00.123 POST /workflows/chat/stream 200 1520 ms ttft 310 ms 42 tok $0.000120 [id]`. */
function formatRequestLine(record: RequestLogRecord): string {
  const parts = [
    record.time,
    record.method,
    record.path,
    String(record.status),
    `${record.durationMs} ms`,
  ];
  if (record.timeToFirstTokenMs !== null) parts.push(`ttft ${record.timeToFirstTokenMs} ms`);
  if (record.tokens !== null) parts.push(`${record.tokens} tok`);
  if (record.costUsd !== null) parts.push(`$${record.costUsd.toFixed(6)}`);
  if (record.errorKind !== null) parts.push(`error ${record.errorKind}`);
  parts.push(`[${record.requestId}]`);
  return parts.join(' ');
}

/**
 * Routes `console.*` to the logger for as long as it is installed, without the content: provider
 * SDKs print raw upstream chunks there, and those hold user content. Returns the undo.
 */
export function captureConsole(logger: ServerLogger): () => void {
  const methods = ['log', 'info', 'warn', 'error', 'debug', 'trace'] as const;
  const saved = methods.map((name) => [name, console[name]] as const);
  for (const name of methods) {
    console[name] = (...values: unknown[]) => {
      const characters = values.map((value) => String(value)).join(' ').length;
      logger.message(
        'debug',
        'console output of a dependency withheld (it can hold user content)',
        {
          source: `console.${name}`,
          characters,
        },
      );
    };
  }
  return () => {
    for (const [name, original] of saved) console[name] = original;
  };
}
