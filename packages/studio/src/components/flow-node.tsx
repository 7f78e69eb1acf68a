import type { NodeTypeDefinition } from '@catalyst/workflow';
import { Handle, type Node, type NodeProps, Position } from '@xyflow/react';
import { memo, useSyncExternalStore } from 'react';
import type { RunStore } from '../state/run-store.js';

/** What the canvas passes to each drawn node. */
export interface FlowNodeData extends Record<string, unknown> {
  nodeType: NodeTypeDefinition | undefined;
  typeName: string;
  label: string;
  errorCount: number;
  warningCount: number;
  runStore: RunStore;
}

/** A workflow node as React Flow draws it. */
export type StudioFlowNode = Node<FlowNodeData, 'workflow'>;

// Tailwind class names from the registry, as colours (the studio ships no Tailwind).
const COLORS: Record<string, string> = {
  'bg-blue-500': '#1d4ed8',
  'bg-indigo-500': '#4338ca',
  'bg-neutral-800': '#262626',
  'bg-orange-500': '#c2410c',
  'bg-purple-500': '#7e22ce',
  'bg-rose-500': '#be123c',
  'bg-sky-600': '#0369a1',
  'bg-slate-500': '#475569',
  'bg-slate-700': '#334155',
  'bg-teal-500': '#0f766e',
  'bg-violet-500': '#6d28d9',
};

/** The registry's colour class as a CSS colour dark enough for white text. */
export function nodeColor(nodeType: NodeTypeDefinition | undefined): string {
  return (nodeType && COLORS[nodeType.color]) ?? '#475569';
}

function StreamedText({ store, node }: { store: RunStore; node: string }) {
  // Each node reads only its own text and status, so a frame of tokens re-renders the node that
  // streams, not every node on the canvas.
  const text = useSyncExternalStore(store.subscribe, () => store.getSnapshot().nodeText[node]);
  const status = useSyncExternalStore(
    store.subscribe,
    () => store.getSnapshot().status[node] ?? 'idle',
  );
  return (
    <>
      {status !== 'idle' && (
        <div className={`node-status node-status-${status}`} data-testid={`status-${node}`}>
          {status}
        </div>
      )}
      {text && (
        <div className="node-stream" data-testid={`stream-${node}`}>
          {text.length > 160 ? `…${text.slice(-160)}` : text}
        </div>
      )}
    </>
  );
}

/** One node: name, type, typed handles, problem counts, live status and streamed text. */
export const FlowNode = memo(function FlowNode({ id, data, selected }: NodeProps<StudioFlowNode>) {
  const { nodeType } = data;
  const inputs = nodeType?.inputs ?? [];
  const outputs = nodeType?.outputs ?? [];
  return (
    <div
      className={`flow-node${selected ? ' selected' : ''}${data.errorCount > 0 ? ' has-error' : ''}`}
      data-testid={`node-${id}`}
    >
      <div className="flow-node-header" style={{ background: nodeColor(nodeType) }}>
        <span className="flow-node-title">{data.label}</span>
        <span className="flow-node-type">{data.typeName}</span>
      </div>
      <div className="flow-node-body">
        <code>{id}</code>
        {data.errorCount > 0 && (
          <span className="badge badge-error" title="errors">
            {data.errorCount} error{data.errorCount === 1 ? '' : 's'}
          </span>
        )}
        {data.warningCount > 0 && (
          <span className="badge badge-warning" title="warnings">
            {data.warningCount} warning{data.warningCount === 1 ? '' : 's'}
          </span>
        )}
        <StreamedText store={data.runStore} node={id} />
      </div>
      {inputs.map((handle, index) => (
        <Handle
          key={handle.id}
          id={handle.id}
          type="target"
          position={Position.Left}
          className={`handle handle-${handle.type}`}
          style={{ top: `${((index + 1) / (inputs.length + 1)) * 100}%` }}
          title={`${handle.name} (${handle.type})`}
        />
      ))}
      {outputs.map((handle, index) => (
        <Handle
          key={handle.id}
          id={handle.id}
          type="source"
          position={Position.Right}
          className={`handle handle-${handle.type}`}
          style={{ top: `${((index + 1) / (outputs.length + 1)) * 100}%` }}
          title={`${handle.name} (${handle.type})`}
          data-testid={`handle-${id}-${handle.id}`}
        >
          <span className="handle-label">{handle.name}</span>
        </Handle>
      ))}
    </div>
  );
});
