import type { WorkflowDefinition } from '@catalyst/spec';
import Form from '@rjsf/core';
import validator from '@rjsf/validator-ajv8';
import { useRef, useState, useSyncExternalStore } from 'react';
import { api, errorMessage } from '../api.js';
import { parseEventStream } from '../state/parse-event-stream.js';
import type { RunStore } from '../state/run-store.js';
import { Transcript } from './transcript.js';

function formatUsd(value: number | undefined): string {
  return value === undefined ? '—' : `$${value.toFixed(6)}`;
}

/**
 * Runs the workflow being edited: an input form from the workflow's input schema, a switch between
 * the simulator and the real providers (local-model nodes use the embedded model either way), Run
 * and Stop, the live transcript, node usage and cost.
 */
export function RunPanel(props: {
  definition: WorkflowDefinition;
  fileName: string;
  simulatorAvailable: boolean;
  /** Nodes that run on the embedded local model, which no switch redirects. */
  localNodes: string[];
  blockingErrors: number;
  store: RunStore;
}) {
  const { store } = props;
  // Only the phase: the panel (and its input form) re-renders when a run starts or ends, not per frame.
  const phase = useSyncExternalStore(store.subscribe, () => store.getSnapshot().phase);
  const [input, setInput] = useState<unknown>({});
  const [useSimulator, setUseSimulator] = useState(props.simulatorAvailable);
  const [failure, setFailure] = useState<string | null>(null);
  const controller = useRef<AbortController | null>(null);
  const runId = useRef<string | null>(null);
  const running = phase === 'running';

  const run = async () => {
    setFailure(null);
    const abort = new AbortController();
    controller.current = abort;
    store.start();
    try {
      const response = await api.run({
        name: props.fileName,
        definition: props.definition,
        input,
        target: useSimulator ? 'simulator' : 'providers',
        signal: abort.signal,
      });
      if (!response.ok || !response.body) {
        setFailure(await errorMessage(response));
        store.stop('not started');
        return;
      }
      runId.current = response.headers.get('x-catalyst-run');
      for await (const event of parseEventStream(response.body)) store.apply(event);
      store.stop('the stream ended without a result');
    } catch (error) {
      if (abort.signal.aborted) store.stop('stopped');
      else {
        setFailure(error instanceof Error ? error.message : String(error));
        store.stop('connection lost');
      }
    } finally {
      controller.current = null;
      runId.current = null;
    }
  };

  const stop = () => {
    // Tell the server first (it aborts the provider call), then drop our end of the stream.
    if (runId.current) void api.abort(runId.current);
    controller.current?.abort();
  };

  const inputSchema = props.definition.input as Record<string, unknown>;
  return (
    <section className="run-panel" aria-label="Run">
      <h2>Run</h2>
      <Form
        schema={inputSchema as never}
        formData={input}
        validator={validator}
        uiSchema={{ 'ui:submitButtonOptions': { norender: true } }}
        showErrorList={false}
        noHtml5Validate
        idPrefix="input"
        onChange={(event) => setInput(event.formData)}
      />
      <label className="switch">
        <input
          type="checkbox"
          checked={useSimulator}
          disabled={!props.simulatorAvailable || running}
          onChange={(event) => setUseSimulator(event.target.checked)}
          data-testid="use-simulator"
        />
        Use the provider simulator (no API key needed)
      </label>
      {props.localNodes.length > 0 && (
        <p className="field-description" data-testid="local-note">
          {props.localNodes.join(', ')} {props.localNodes.length === 1 ? 'runs' : 'run'} on the
          embedded local model either way (no key, no network; installed by{' '}
          <code>npm run setup:local-model</code>).
        </p>
      )}
      <div className="run-buttons">
        <button
          type="button"
          className="primary"
          onClick={() => void run()}
          disabled={running || props.blockingErrors > 0}
          data-testid="run"
        >
          Run
        </button>
        <button type="button" onClick={stop} disabled={!running} data-testid="stop">
          Stop
        </button>
        <RunCounters store={store} />
      </div>
      {props.blockingErrors > 0 && (
        <p className="field-error">Fix the {props.blockingErrors} error(s) to run.</p>
      )}
      {failure && (
        <p className="field-error" role="alert">
          {failure}
        </p>
      )}
      <Transcript store={store} />
      <RunDetails store={store} />
    </section>
  );
}

/** Phase and token count, re-rendered once per frame while tokens arrive. */
function RunCounters(props: { store: RunStore }) {
  const snapshot = useSyncExternalStore(props.store.subscribe, props.store.getSnapshot);
  return (
    <>
      <span className={`run-phase run-phase-${snapshot.phase}`} data-testid="run-phase">
        {snapshot.phase}
      </span>
      <span className="token-count" data-testid="token-count">
        {snapshot.tokenCount} tokens
      </span>
    </>
  );
}

/** Route and fallback decisions, errors, usage and cost per node and in total. */
function RunDetails(props: { store: RunStore }) {
  const log = useSyncExternalStore(props.store.subscribe, () => props.store.getSnapshot().log);
  const usage = useSyncExternalStore(props.store.subscribe, () => props.store.getSnapshot().usage);
  const cost = useSyncExternalStore(props.store.subscribe, () => props.store.getSnapshot().cost);
  const usageEntries = Object.entries(usage);
  return (
    <>
      {log.length > 0 && (
        <ul className="run-log" aria-label="Run log" data-testid="run-log">
          {log.map((entry, index) => (
            // biome-ignore lint/suspicious/noArrayIndexKey: the log only grows
            <li key={index} className={`run-log-${entry.kind}`}>
              {entry.text}
            </li>
          ))}
        </ul>
      )}
      {usageEntries.length > 0 && (
        <table className="usage" data-testid="usage">
          <caption>Usage and cost</caption>
          <thead>
            <tr>
              <th scope="col">Node</th>
              <th scope="col">Model</th>
              <th scope="col">In</th>
              <th scope="col">Out</th>
              <th scope="col">Cost</th>
            </tr>
          </thead>
          <tbody>
            {usageEntries.map(([node, nodeUsage]) => (
              <tr key={node}>
                <td>{node}</td>
                <td>
                  {nodeUsage.provider}/{nodeUsage.model}
                </td>
                <td>{nodeUsage.usage.inputTokens}</td>
                <td>{nodeUsage.usage.outputTokens}</td>
                <td>{formatUsd(nodeUsage.cost?.totalUsd)}</td>
              </tr>
            ))}
          </tbody>
          <tfoot>
            <tr>
              <th scope="row" colSpan={4}>
                Total
              </th>
              <td>{formatUsd(cost?.totalUsd)}</td>
            </tr>
          </tfoot>
        </table>
      )}
    </>
  );
}
