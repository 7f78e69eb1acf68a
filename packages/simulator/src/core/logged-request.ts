import type { Fault, SimOperation, SimProvider } from '../types.js';

/** One entry of the request log (`GET /_sim/requests`, `RunningSimulator.requests()`). */
export interface LoggedRequest {
  id: number;
  method: string;
  path: string;
  /** Query parameters, secrets (`key`) redacted. */
  query: Record<string, string>;
  provider: SimProvider | null;
  operation: SimOperation | null;
  model: string | null;
  stream: boolean;
  /** Parsed JSON body (or the raw text when it was not JSON). */
  body: unknown;
  /** Request headers with credentials replaced by `[redacted]`. */
  headers: Record<string, string>;
  /** HTTP status sent, or null when the socket was cut before a status line. */
  status: number | null;
  /** Name of the scenario rule that decided the reply, if any. */
  rule: string | null;
  fault: Fault | null;
  /** Whether the response has ended or the connection closed. */
  finished: boolean;
  /** True when the client closed the connection before the response ended (an abort). */
  clientClosedEarly: boolean;
  /** Epoch milliseconds when the request arrived. */
  startedAt: number;
  /** Milliseconds from arrival to the first body byte written, null if none was. */
  firstByteMs: number | null;
  /** Milliseconds from arrival until the response ended or the connection closed. */
  durationMs: number | null;
}
