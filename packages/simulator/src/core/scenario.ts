/**
 * The scenario format: an ordered list of rules. The first rule whose `match` fits a request
 * decides what the simulator does with it; a request no rule matches gets the default reply.
 */
import type { Fault, PlannedFinish, SimOperation, SimProvider } from '../types.js';

/** Which requests a rule applies to. Every given field must fit; an empty match fits all. */
export interface RuleMatch {
  provider?: SimProvider | SimProvider[];
  operation?: SimOperation | SimOperation[];
  /** Model id; a trailing `*` matches a prefix (`gpt-4o*`). */
  model?: string;
  /** Request path; a trailing `*` matches a prefix. */
  path?: string;
  /** Substring of the last user message. */
  contains?: string;
  /** Only the nth request (1-based) that fits the other fields. */
  nth?: number;
  /** Apply at most this many times, then let later rules decide. */
  times?: number;
}

/** One tool call a scripted reply makes. */
export interface ScriptedToolCall {
  name: string;
  /** An object (serialised) or the exact JSON text to send. */
  arguments?: unknown;
  id?: string;
}

/** A scripted reply; every field is optional and overrides the derived default. */
export interface ScriptedReply {
  /** Whole reply text, split into realistic chunks. */
  text?: string;
  /** Exact chunks to stream, in order. */
  chunks?: string[];
  toolCalls?: ScriptedToolCall[];
  /** A JSON value to answer with (serialised, then split at arbitrary positions). */
  json?: unknown;
  finish?: PlannedFinish;
  model?: string;
  usage?: {
    inputTokens?: number;
    outputTokens?: number;
    cacheReadTokens?: number;
    cacheWriteTokens?: number;
  };
}

/** Serve a recorded capture as it is. */
export interface ReplayAction {
  /** Path of the capture, relative to the scenario file (or the working directory). */
  file: string;
  /**
   * `sse`: raw wire bytes, byte for byte. `chunks`: one JSON payload per line, framed in the
   * protocol's SSE style. `json`: a whole response body. Default: from the file name.
   */
  format?: 'sse' | 'chunks' | 'json';
  /** HTTP status for `json` replays (default 200). */
  status?: number;
}

/** What to do with a matched request. Several fields combine (a reply with a timing). */
export interface ScenarioAction {
  reply?: ScriptedReply;
  timing?: { firstTokenMs?: number; tokenDelayMs?: number };
  fault?: Fault;
  replay?: ReplayAction;
}

/** One rule of a scenario. */
export interface ScenarioRule extends ScenarioAction {
  /** Optional name, shown in the request log. */
  name?: string;
  match?: RuleMatch;
}

/** A whole scenario file. */
export interface Scenario {
  /** Timing for every request no rule sets timing for. */
  defaults?: { timing?: { firstTokenMs?: number; tokenDelayMs?: number } };
  rules: ScenarioRule[];
  /** Directory that relative replay paths resolve against (set by the loader). */
  baseDirectory?: string;
}
