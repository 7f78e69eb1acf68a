import type { Cost, NodeUsage, WorkflowEvent } from '@catalyst/spec';

/** What a node is doing in the current run. */
export type NodeRunStatus = 'idle' | 'running' | 'finished' | 'skipped' | 'error';

/** One line of the run log: route and fallback decisions, errors, the end. */
export interface RunLogEntry {
  kind: 'route' | 'fallback' | 'error' | 'done' | 'stopped';
  text: string;
}

/** The whole run as the UI shows it. */
export interface RunSnapshot {
  phase: 'idle' | 'running' | 'done' | 'error' | 'stopped';
  status: Record<string, NodeRunStatus>;
  /** Streamed text per node. */
  nodeText: Record<string, string>;
  usage: Record<string, NodeUsage>;
  cost: Cost | null;
  tokenCount: number;
  output: unknown;
  log: RunLogEntry[];
}

/** Told once per frame: the transcript text since the last call, or `reset` for a new run. */
type Listener = (update: { appended: string; reset: boolean }) => void;

const IDLE: RunSnapshot = {
  phase: 'idle',
  status: {},
  nodeText: {},
  usage: {},
  cost: null,
  tokenCount: 0,
  output: undefined,
  log: [],
};

/**
 * The live state of a run. Events arrive as fast as the provider sends them (1,000 tokens/s and
 * more); listeners hear about them once per animation frame with the transcript text appended
 * since the last frame, so the page does one render per frame however many tokens came in.
 */
export class RunStore {
  private snapshot: RunSnapshot = IDLE;
  private pendingTranscript = '';
  private scheduled = false;
  private readonly listeners = new Set<Listener>();

  /** For useSyncExternalStore. */
  readonly subscribe = (listener: Listener): (() => void) => {
    this.listeners.add(listener);
    return () => this.listeners.delete(listener);
  };

  readonly getSnapshot = (): RunSnapshot => this.snapshot;

  /** Clears everything for a new run. */
  start(): void {
    this.snapshot = { ...IDLE, phase: 'running', status: {}, nodeText: {}, log: [] };
    this.pendingTranscript = '';
    this.flush(true);
  }

  /** Folds one event in; the UI sees it at the next frame. */
  apply(event: WorkflowEvent): void {
    const current = this.snapshot;
    switch (event.type) {
      case 'token':
        this.snapshot = {
          ...current,
          nodeText: {
            ...current.nodeText,
            [event.node]: (current.nodeText[event.node] ?? '') + event.text,
          },
          tokenCount: current.tokenCount + 1,
        };
        this.pendingTranscript += event.text;
        break;
      case 'node':
        this.snapshot = {
          ...current,
          status: {
            ...current.status,
            [event.node]: event.status === 'started' ? 'running' : event.status,
          },
        };
        break;
      case 'partial':
      case 'tool-call-delta':
        break;
      case 'route':
        this.log({
          kind: 'route',
          text: `${event.node}: ${event.reason} → ${event.targets.map((target) => `${target.provider}/${target.model}`).join(', ')}`,
        });
        break;
      case 'fallback':
        this.log({
          kind: 'fallback',
          text: `${event.node}: ${event.from.provider}/${event.from.model} failed (${event.error.kind}: ${event.error.message}); trying ${event.to.provider}/${event.to.model}`,
        });
        if (event.discard) {
          this.snapshot = {
            ...this.snapshot,
            nodeText: { ...this.snapshot.nodeText, [event.node]: '' },
          };
        }
        break;
      case 'done':
        this.snapshot = {
          ...current,
          phase: 'done',
          usage: event.usage,
          cost: event.cost,
          output: event.output,
          tokenCount: event.tokenCount,
        };
        this.log({ kind: 'done', text: `done: ${event.tokenCount} tokens` });
        break;
      case 'error':
        this.snapshot = {
          ...current,
          phase: 'error',
          status: event.node ? { ...current.status, [event.node]: 'error' } : current.status,
        };
        this.log({
          kind: 'error',
          text: `${event.node ? `${event.node}: ` : ''}${event.kind}: ${event.message}`,
        });
        break;
      default: {
        const unknown: never = event;
        throw new Error(`unknown event ${JSON.stringify(unknown)}`);
      }
    }
    this.schedule();
  }

  /** The run ended without a terminal event: stopped by the user or cut off. */
  stop(reason: string): void {
    if (this.snapshot.phase !== 'running') return;
    const status = Object.fromEntries(
      Object.entries(this.snapshot.status).map(([node, value]) => [
        node,
        value === 'running' ? ('error' as const) : value,
      ]),
    );
    this.snapshot = { ...this.snapshot, phase: 'stopped', status };
    this.log({ kind: 'stopped', text: reason });
    this.flush(true);
  }

  private log(entry: RunLogEntry): void {
    this.snapshot = { ...this.snapshot, log: [...this.snapshot.log, entry] };
  }

  private schedule(): void {
    if (this.scheduled) return;
    this.scheduled = true;
    requestAnimationFrame(() => this.flush(false));
  }

  private flush(reset: boolean): void {
    this.scheduled = false;
    const appended = this.pendingTranscript;
    this.pendingTranscript = '';
    for (const listener of this.listeners) listener({ appended: reset ? '' : appended, reset });
  }
}
