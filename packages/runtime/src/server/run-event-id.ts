import { randomUUID } from 'node:crypto';

/**
 * The response header that names the run of an event stream, so a client can resume it even
 * before the first event arrived.
 */
export const RUN_ID_HEADER = 'x-catalyst-run-id';

/** A run id: a random UUID (lower-case hex and dashes, never a colon). */
export function createRunId(): string {
  return randomUUID();
}

/** Whether `value` can be a run id (ours, or one a resume names): 1–128 of `[0-9A-Za-z_-]`. */
export function isRunId(value: string): boolean {
  return /^[0-9A-Za-z_-]{1,128}$/.test(value);
}

/** The `id:` of the `seq`-th event of a run (the first event is 1). */
export function formatEventId(runId: string, seq: number): string {
  return `${runId}:${seq}`;
}

/**
 * A `Last-Event-ID` split into run and sequence number; undefined when it is not one of ours.
 * `RUN:0` asks for the whole run.
 */
export function parseEventId(value: string): { runId: string; seq: number } | undefined {
  const match = /^([0-9A-Za-z_-]{1,128}):(0|[1-9][0-9]{0,15})$/.exec(value.trim());
  if (!match) return undefined;
  return { runId: match[1] as string, seq: Number(match[2]) };
}
