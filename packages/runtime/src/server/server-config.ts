import { readFileSync } from 'node:fs';
import { LOG_LEVELS, type LogLevel } from './request-log.js';
import {
  DEFAULT_STREAM_RECONNECT_MS,
  DEFAULT_STREAM_RETAINED_EVENTS,
  DEFAULT_STREAM_RETENTION_MS,
} from './resumable-streams.js';
import { DEFAULT_SERVER_LIMITS, type ServerLimits } from './server-limits.js';

/** Everything about serving that the environment can set (both runtimes read the same names). */
export interface ServerConfig {
  limits: ServerLimits;
  apiKeys: string[];
  corsOrigins: string[];
  /** Time in-flight runs get to finish after SIGTERM/SIGINT. */
  shutdownGraceMs: number;
  logLevel: LogLevel;
  /** How long a streamed run stays resumable after it ended (0: only while it runs). */
  streamRetentionMs: number;
  /** Events of finished runs kept in memory for resuming, at most (oldest runs go first). */
  streamRetainedEvents: number;
  /** How long a run nobody reads keeps running, waiting for a reconnect (0: stop at once). */
  streamReconnectMs: number;
}

/**
 * Grace period after SIGTERM. Kubernetes sends SIGKILL 30 s after SIGTERM by default; 25 s lets
 * most streams finish and still leaves time to send the rest their `unavailable` event.
 */
export const DEFAULT_SHUTDOWN_GRACE_MS = 25_000;

/** The environment variables of ServerConfig. */
export const SERVER_ENVIRONMENT = {
  maxBodyBytes: 'CATALYST_MAX_BODY_BYTES',
  apiKeys: 'CATALYST_API_KEYS',
  apiKeysFile: 'CATALYST_API_KEYS_FILE',
  corsOrigins: 'CATALYST_CORS_ORIGINS',
  shutdownGraceMs: 'CATALYST_SHUTDOWN_GRACE_MS',
  logLevel: 'CATALYST_LOG_LEVEL',
  streamRetentionMs: 'CATALYST_STREAM_RETENTION_MS',
  streamRetainedEvents: 'CATALYST_STREAM_RETAINED_EVENTS',
  streamReconnectMs: 'CATALYST_STREAM_RECONNECT_MS',
} as const;

/**
 * Reads the serving configuration from `environment`. `CATALYST_API_KEYS` is comma-separated;
 * `CATALYST_API_KEYS_FILE` names a file with one key per line (blank lines and `#` comments
 * skipped); both may be set. A malformed value throws, naming the variable and never the value
 * of a key.
 */
export function readServerConfig(environment: Record<string, string | undefined>): ServerConfig {
  const apiKeys = splitList(environment[SERVER_ENVIRONMENT.apiKeys], ',');
  const keysFile = environment[SERVER_ENVIRONMENT.apiKeysFile]?.trim();
  if (keysFile) {
    let text: string;
    try {
      text = readFileSync(keysFile, 'utf8');
    } catch (error) {
      const code = error instanceof Error && 'code' in error ? String(error.code) : 'unreadable';
      throw new Error(`${SERVER_ENVIRONMENT.apiKeysFile}: cannot read ${keysFile} (${code})`);
    }
    apiKeys.push(
      ...text
        .split(/\r?\n/)
        .map((line) => line.trim())
        .filter((line) => line !== '' && !line.startsWith('#')),
    );
  }
  const logLevel = (environment[SERVER_ENVIRONMENT.logLevel]?.trim() || 'info') as LogLevel;
  if (!LOG_LEVELS.includes(logLevel)) {
    throw new Error(
      `${SERVER_ENVIRONMENT.logLevel} must be one of ${LOG_LEVELS.join(', ')}, got "${logLevel}"`,
    );
  }
  return {
    limits: {
      ...DEFAULT_SERVER_LIMITS,
      maxBodyBytes:
        positiveInteger(environment, SERVER_ENVIRONMENT.maxBodyBytes) ??
        DEFAULT_SERVER_LIMITS.maxBodyBytes,
    },
    apiKeys,
    corsOrigins: splitList(environment[SERVER_ENVIRONMENT.corsOrigins], ','),
    shutdownGraceMs:
      positiveInteger(environment, SERVER_ENVIRONMENT.shutdownGraceMs, true) ??
      DEFAULT_SHUTDOWN_GRACE_MS,
    logLevel,
    streamRetentionMs:
      positiveInteger(environment, SERVER_ENVIRONMENT.streamRetentionMs, true) ??
      DEFAULT_STREAM_RETENTION_MS,
    streamRetainedEvents:
      positiveInteger(environment, SERVER_ENVIRONMENT.streamRetainedEvents, true) ??
      DEFAULT_STREAM_RETAINED_EVENTS,
    streamReconnectMs:
      positiveInteger(environment, SERVER_ENVIRONMENT.streamReconnectMs, true) ??
      DEFAULT_STREAM_RECONNECT_MS,
  };
}

function splitList(value: string | undefined, separator: string): string[] {
  return (value ?? '')
    .split(separator)
    .map((item) => item.trim())
    .filter((item) => item !== '');
}

function positiveInteger(
  environment: Record<string, string | undefined>,
  name: string,
  zeroAllowed = false,
): number | undefined {
  const raw = environment[name]?.trim();
  if (!raw) return undefined;
  const value = Number(raw);
  if (!Number.isInteger(value) || value < (zeroAllowed ? 0 : 1)) {
    throw new Error(`${name} must be a whole number${zeroAllowed ? '' : ' above 0'}, got "${raw}"`);
  }
  return value;
}
