import type { ModelInfo } from '@catalyst/spec';
import type { ExpressionReference, NodeTypeDefinition } from '@catalyst/workflow';
import {
  applyNodeChanges,
  Background,
  type Connection,
  Controls,
  type Edge,
  type IsValidConnection,
  MiniMap,
  type NodeChange,
  ReactFlow,
  type ReactFlowInstance,
} from '@xyflow/react';
import { useCallback, useEffect, useMemo, useReducer, useRef, useState } from 'react';
import { api, type StudioConfig, type StudioProblem } from './api.js';
import { ConfigPanel } from './components/config-panel.js';
import { FlowNode, nodeColor, type StudioFlowNode } from './components/flow-node.js';
import { PALETTE_DRAG_TYPE, Palette } from './components/palette.js';
import { RunPanel } from './components/run-panel.js';
import { WorkflowPanel } from './components/workflow-panel.js';
import { autoLayout } from './state/auto-layout.js';
import { historyReducer } from './state/history.js';
import { RunStore } from './state/run-store.js';
import {
  addNode,
  connect,
  edgeKey,
  emptyWorkflow,
  moveNodes,
  removeElements,
  renameNode,
  setNodeConfig,
  updateNode,
} from './state/workflow-edits.js';

const NODE_TYPES_FOR_FLOW = { workflow: FlowNode };

function fileFromHash(): string | null {
  const match = /file=([^&]+)/.exec(window.location.hash);
  return match?.[1] ? decodeURIComponent(match[1]) : null;
}

// One empty list, so a node with no references does not hand the form a new array each render.
const NO_REFERENCES: readonly ExpressionReference[] = [];

/** Catalyst Studio: file bar, palette, canvas, settings and run panels, problems. */
export function App() {
  const [config, setConfig] = useState<StudioConfig | null>(null);
  const [nodeTypes, setNodeTypes] = useState<NodeTypeDefinition[]>([]);
  const [models, setModels] = useState<ModelInfo[]>([]);
  const [files, setFiles] = useState<string[]>([]);
  const [fileName, setFileName] = useState<string | null>(null);
  const [savedText, setSavedText] = useState<string | null>(null);
  const [savedDefinition, setSavedDefinition] = useState<string | null>(null);
  const [history, dispatch] = useReducer(historyReducer, {
    past: [],
    present: emptyWorkflow('untitled'),
    future: [],
  });
  const definition = history.present;
  const [layout, setLayout] = useState<Map<string, { x: number; y: number }>>(new Map());
  const [problems, setProblems] = useState<StudioProblem[]>([]);
  const [references, setReferences] = useState<Record<string, ExpressionReference[]>>({});
  const [selectedEdges, setSelectedEdges] = useState<Set<string>>(new Set());
  const [flowNodes, setFlowNodes] = useState<StudioFlowNode[]>([]);
  const [message, setMessage] = useState<string | null>(null);
  const [newName, setNewName] = useState('');
  const [preview, setPreview] = useState<string | null>(null);
  const [tab, setTab] = useState<'settings' | 'run'>('settings');
  const runStore = useMemo(() => new RunStore(), []);
  const flow = useRef<ReactFlowInstance<StudioFlowNode, Edge> | null>(null);
  const nodeTypeByName = useMemo(
    () => new Map(nodeTypes.map((nodeType) => [nodeType.type, nodeType])),
    [nodeTypes],
  );

  // biome-ignore lint/correctness/useExhaustiveDependencies: runs once, on load
  useEffect(() => {
    void Promise.all([api.config(), api.nodeTypes(), api.models(), api.files()]).then(
      ([studioConfig, types, catalog, list]) => {
        setConfig(studioConfig);
        setNodeTypes(types);
        setModels(catalog);
        setFiles(list);
        const wanted = fileFromHash();
        if (wanted && list.includes(wanted)) void open(wanted);
      },
    );
  }, []);

  const open = async (name: string) => {
    const opened = await api.open(name);
    if (!opened.definition) {
      setMessage(`${name} does not parse: ${opened.problems[0]?.text ?? 'unknown error'}`);
      return;
    }
    dispatch({ type: 'load', definition: opened.definition });
    setLayout(autoLayout(opened.definition));
    setFileName(name);
    setSavedText(opened.text);
    setSavedDefinition(JSON.stringify(opened.definition));
    setProblems(opened.problems);
    setFlowNodes([]);
    setMessage(null);
    window.location.hash = `file=${encodeURIComponent(name)}`;
    requestAnimationFrame(() => flow.current?.fitView({ maxZoom: 1 }));
  };

  const create = async () => {
    const base = newName.trim().replace(/\.(json|ya?ml)$/i, '');
    if (!/^[A-Za-z0-9_][A-Za-z0-9_-]*$/.test(base)) {
      setMessage('Name the workflow with letters, digits, "-" and "_".');
      return;
    }
    const name = /\.(json|ya?ml)$/i.test(newName.trim()) ? newName.trim() : `${base}.json`;
    try {
      await api.save(name, emptyWorkflow(base), true);
    } catch (error) {
      setMessage(error instanceof Error ? error.message : String(error));
      return;
    }
    setFiles(await api.files());
    setNewName('');
    await open(name);
  };

  // Live validation: the server's validator (the one `catalyst validate` uses) after each pause.
  useEffect(() => {
    if (!fileName) return;
    const abort = new AbortController();
    const timer = setTimeout(() => {
      api
        .validate(fileName, definition, abort.signal)
        .then((validated) => {
          setProblems(validated.problems);
          setReferences(validated.references);
        })
        .catch(() => {});
    }, 150);
    return () => {
      clearTimeout(timer);
      abort.abort();
    };
  }, [definition, fileName]);

  const save = useCallback(async () => {
    if (!fileName) return;
    const saved = await api.save(fileName, definition);
    setSavedText(saved.text);
    setSavedDefinition(JSON.stringify(definition));
    setProblems(saved.problems);
    setMessage(`Saved ${fileName}`);
  }, [fileName, definition]);

  const dirty = savedDefinition !== null && savedDefinition !== JSON.stringify(definition);

  // Keep the drawn nodes in step with the workflow, keeping what React Flow measured.
  useEffect(() => {
    setFlowNodes((previous) => {
      const byId = new Map(previous.map((node) => [node.id, node]));
      return definition.nodes.map((node) => {
        const existing = byId.get(node.id);
        const nodeType = nodeTypeByName.get(node.type);
        const own = problems.filter((problem) => problem.node === node.id);
        const position = node.position ?? layout.get(node.id) ?? { x: 0, y: 0 };
        return {
          ...existing,
          id: node.id,
          type: 'workflow',
          position: existing?.dragging ? existing.position : position,
          data: {
            nodeType,
            typeName: nodeType?.name ?? `unknown type ${node.type}`,
            label: node.name ?? nodeType?.name ?? node.type,
            errorCount: own.filter((problem) => problem.severity === 'error').length,
            warningCount: own.filter((problem) => problem.severity === 'warning').length,
            runStore,
          },
        } satisfies StudioFlowNode;
      });
    });
  }, [definition, layout, problems, nodeTypeByName, runStore]);

  const onNodesChange = useCallback((changes: NodeChange<StudioFlowNode>[]) => {
    setFlowNodes((nodes) => applyNodeChanges(changes, nodes));
  }, []);

  // A drag is one undo step, taken when the nodes are let go.
  const onNodeDragStop = useCallback(
    (_event: unknown, _node: StudioFlowNode, nodes: StudioFlowNode[]) => {
      const placed = new Map(nodes.map((node) => [node.id, node.position]));
      dispatch({ type: 'change', change: (current) => moveNodes(current, placed) });
    },
    [],
  );

  const edges: Edge[] = useMemo(
    () =>
      definition.edges.map((edge) => {
        const key = edgeKey(edge);
        const handle = edge.fromHandle ?? 'output';
        return {
          id: key,
          source: edge.from,
          target: edge.to,
          sourceHandle: handle,
          targetHandle: edge.toHandle ?? 'input',
          selected: selectedEdges.has(key),
          animated: handle === 'stream',
          className: `edge-${handle}`,
          ariaLabel: `Edge from ${edge.from} to ${edge.to}`,
        };
      }),
    [definition.edges, selectedEdges],
  );

  // Edges join an output to an input of another node, once; stream outputs only feed nodes that stream.
  const isValidConnection: IsValidConnection = useCallback(
    (connection) => {
      if (connection.source === connection.target) return false;
      const source = definition.nodes.find((node) => node.id === connection.source);
      const target = definition.nodes.find((node) => node.id === connection.target);
      const sourceType = source && nodeTypeByName.get(source.type);
      const targetType = target && nodeTypeByName.get(target.type);
      if (!sourceType || !targetType) return false;
      const output = sourceType.outputs.find(
        (handle) => handle.id === (connection.sourceHandle ?? 'output'),
      );
      const input = targetType.inputs.find(
        (handle) => handle.id === (connection.targetHandle ?? 'input'),
      );
      if (!output || !input) return false;
      if (output.type === 'stream' && !targetType.supportsStreaming && target?.type !== 'output') {
        return false;
      }
      return !definition.edges.some(
        (edge) =>
          edge.from === connection.source &&
          edge.to === connection.target &&
          (edge.fromHandle ?? 'output') === (connection.sourceHandle ?? 'output'),
      );
    },
    [definition, nodeTypeByName],
  );

  const onConnect = useCallback(
    (connection: Connection) =>
      dispatch({ type: 'change', change: (current) => connect(current, connection) }),
    [],
  );

  const addAt = useCallback(
    (nodeType: NodeTypeDefinition, position?: { x: number; y: number }) => {
      dispatch({
        type: 'change',
        change: (current) => {
          const rightmost = current.nodes.reduce(
            (most, node) => Math.max(most, (node.position ?? layout.get(node.id))?.x ?? 0),
            -280,
          );
          return addNode(current, nodeType, position ?? { x: rightmost + 280, y: 80 });
        },
      });
    },
    [layout],
  );

  const selectedNodes = flowNodes.filter((node) => node.selected);
  const selected =
    selectedNodes.length === 1
      ? definition.nodes.find((node) => node.id === selectedNodes[0]?.id)
      : undefined;

  // Keyboard: undo, redo, save; Delete is React Flow's.
  useEffect(() => {
    const onKey = (event: KeyboardEvent) => {
      if (!(event.ctrlKey || event.metaKey)) return;
      const inField = (event.target as HTMLElement | null)?.closest('input, textarea, select');
      if (event.key.toLowerCase() === 's') {
        event.preventDefault();
        void save();
      } else if (event.key.toLowerCase() === 'z' && !inField) {
        event.preventDefault();
        dispatch({ type: event.shiftKey ? 'redo' : 'undo' });
      } else if (event.key.toLowerCase() === 'y' && !inField) {
        event.preventDefault();
        dispatch({ type: 'redo' });
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, [save]);

  const exportPython = async () => {
    if (!fileName) return;
    try {
      const zip = await api.exportPython(fileName, definition);
      const link = document.createElement('a');
      link.href = URL.createObjectURL(zip);
      link.download = `${definition.id}-python.zip`;
      link.click();
      setTimeout(() => URL.revokeObjectURL(link.href), 10_000);
    } catch (error) {
      setMessage(error instanceof Error ? error.message : String(error));
    }
  };

  const showPython = async () => {
    if (!fileName) return;
    try {
      setPreview((await api.preview(fileName, definition)).text);
    } catch (error) {
      setMessage(error instanceof Error ? error.message : String(error));
    }
  };

  const errors = problems.filter((problem) => problem.severity === 'error');

  return (
    <div className="studio">
      <header className="toolbar">
        <h1>Catalyst Studio</h1>
        <label htmlFor="file-select" className="visually-hidden">
          Workflow file
        </label>
        <select
          id="file-select"
          value={fileName ?? ''}
          onChange={(event) => void open(event.target.value)}
          data-testid="file-select"
        >
          <option value="" disabled>
            Open a workflow…
          </option>
          {files.map((name) => (
            <option key={name} value={name}>
              {name}
            </option>
          ))}
        </select>
        <label htmlFor="new-name" className="visually-hidden">
          New workflow file name
        </label>
        <input
          id="new-name"
          placeholder="new-workflow.json"
          value={newName}
          onChange={(event) => setNewName(event.target.value)}
          onKeyDown={(event) => {
            if (event.key === 'Enter') void create();
          }}
        />
        <button type="button" onClick={() => void create()} data-testid="create">
          New
        </button>
        <span className="toolbar-gap" />
        <button
          type="button"
          onClick={() => dispatch({ type: 'undo' })}
          disabled={history.past.length === 0}
        >
          Undo
        </button>
        <button
          type="button"
          onClick={() => dispatch({ type: 'redo' })}
          disabled={history.future.length === 0}
        >
          Redo
        </button>
        <button
          type="button"
          onClick={() => {
            const positions = autoLayout(definition);
            dispatch({ type: 'change', change: (current) => moveNodes(current, positions) });
            requestAnimationFrame(() => flow.current?.fitView({ maxZoom: 1 }));
          }}
          disabled={!fileName}
        >
          Auto layout
        </button>
        <button type="button" onClick={() => void save()} disabled={!fileName} data-testid="save">
          Save{dirty ? ' •' : ''}
        </button>
        <button
          type="button"
          onClick={() => void showPython()}
          disabled={!fileName || errors.length > 0}
        >
          View Python
        </button>
        <button
          type="button"
          onClick={() => void exportPython()}
          disabled={!fileName || errors.length > 0}
          data-testid="export"
        >
          Export Python
        </button>
      </header>
      <p className={message ? 'message' : 'message message-empty'} role="status">
        {message}
      </p>
      <main className="workspace">
        <Palette nodeTypes={nodeTypes} onAdd={(nodeType) => fileName && addAt(nodeType)} />
        <section
          className="canvas"
          aria-label="Workflow canvas"
          onDragOver={(event) => {
            if (event.dataTransfer.types.includes(PALETTE_DRAG_TYPE)) event.preventDefault();
          }}
          onDrop={(event) => {
            const type = event.dataTransfer.getData(PALETTE_DRAG_TYPE);
            const nodeType = nodeTypeByName.get(type);
            if (!nodeType || !fileName || !flow.current) return;
            event.preventDefault();
            addAt(
              nodeType,
              flow.current.screenToFlowPosition({ x: event.clientX, y: event.clientY }),
            );
          }}
        >
          {fileName ? (
            <ReactFlow<StudioFlowNode, Edge>
              nodes={flowNodes}
              edges={edges}
              nodeTypes={NODE_TYPES_FOR_FLOW}
              onInit={(instance) => {
                flow.current = instance;
              }}
              onNodesChange={onNodesChange}
              onNodeDragStop={onNodeDragStop}
              onEdgesChange={(changes) =>
                setSelectedEdges((current) => {
                  const next = new Set(current);
                  for (const change of changes) {
                    if (change.type === 'select') {
                      if (change.selected) next.add(change.id);
                      else next.delete(change.id);
                    }
                  }
                  return next;
                })
              }
              onDelete={({ nodes, edges: removed }) =>
                dispatch({
                  type: 'change',
                  change: (current) =>
                    removeElements(
                      current,
                      new Set(nodes.map((node) => node.id)),
                      new Set(removed.map((edge) => edge.id)),
                    ),
                })
              }
              onConnect={onConnect}
              isValidConnection={isValidConnection}
              deleteKeyCode={['Delete', 'Backspace']}
              multiSelectionKeyCode={['Shift', 'Meta', 'Control']}
              fitView
              fitViewOptions={{ maxZoom: 1 }}
              proOptions={{ hideAttribution: true }}
            >
              <Background />
              <MiniMap
                pannable
                zoomable
                ariaLabel="Minimap"
                nodeColor={(node) => nodeColor((node as StudioFlowNode).data.nodeType)}
              />
              <Controls />
            </ReactFlow>
          ) : (
            <div className="empty">
              <p>Open a workflow from the list above, or name a new one and press New.</p>
              <p>Workflows in {config?.directory ?? '…'}</p>
            </div>
          )}
        </section>
        <aside className="side" aria-label="Side panel">
          <div className="tabs" role="tablist" aria-label="Side panel">
            <button
              type="button"
              role="tab"
              aria-selected={tab === 'settings'}
              onClick={() => setTab('settings')}
              data-testid="tab-settings"
            >
              Settings
            </button>
            <button
              type="button"
              role="tab"
              aria-selected={tab === 'run'}
              onClick={() => setTab('run')}
              data-testid="tab-run"
            >
              Run
            </button>
          </div>
          <div hidden={tab !== 'settings'}>
            {fileName && selected && (
              <ConfigPanel
                node={selected}
                nodeType={nodeTypeByName.get(selected.type)}
                problems={problems.filter((problem) => problem.node === selected.id)}
                references={references[selected.id] ?? NO_REFERENCES}
                models={models}
                onConfig={(nodeConfig) =>
                  dispatch({
                    type: 'change',
                    change: (current) => setNodeConfig(current, selected.id, nodeConfig),
                  })
                }
                onRename={(id) => {
                  if (!/^[A-Za-z0-9_-]+$/.test(id)) return;
                  if (definition.nodes.some((node) => node.id === id && node !== selected)) return;
                  dispatch({
                    type: 'change',
                    change: (current) => renameNode(current, selected.id, id),
                  });
                  setFlowNodes((nodes) =>
                    nodes.map((node) => (node.id === selected.id ? { ...node, id } : node)),
                  );
                }}
                onLabel={(name) =>
                  dispatch({
                    type: 'change',
                    change: (current) =>
                      updateNode(current, selected.id, (node) => {
                        if (node.name === name) return node;
                        const { name: _old, ...rest } = node;
                        return name === undefined ? rest : { ...rest, name };
                      }),
                  })
                }
              />
            )}
            {fileName && !selected && (
              <WorkflowPanel
                definition={definition}
                problems={problems}
                onChange={(change) => dispatch({ type: 'change', change })}
              />
            )}
          </div>
          <div hidden={tab !== 'run'}>
            {fileName && (
              <RunPanel
                definition={definition}
                fileName={fileName}
                simulatorAvailable={config?.simulator ?? false}
                localNodes={definition.nodes
                  .filter((node) => nodeTypeByName.get(node.type)?.provider === 'local')
                  .map((node) => node.id)}
                blockingErrors={errors.length}
                store={runStore}
              />
            )}
          </div>
        </aside>
      </main>
      <section className="problems" aria-label="Problems">
        <h2>
          Problems{' '}
          <span data-testid="problem-count">
            {errors.length} error{errors.length === 1 ? '' : 's'}, {problems.length - errors.length}{' '}
            warning{problems.length - errors.length === 1 ? '' : 's'}
          </span>
          {savedText !== null && (
            <span className="saved-size"> · {savedText.length} bytes on disk</span>
          )}
        </h2>
        <ul data-testid="problems">
          {problems.map((problem) => (
            <li key={problem.text} className={`problem problem-${problem.severity}`}>
              {problem.text}
            </li>
          ))}
        </ul>
      </section>
      {preview !== null && (
        <div
          className="modal"
          role="dialog"
          aria-modal="true"
          aria-label="Generated app/workflow.py"
        >
          <div className="modal-body">
            <header>
              <h2>app/workflow.py (read-only)</h2>
              <button type="button" onClick={() => setPreview(null)}>
                Close
              </button>
            </header>
            <pre data-testid="python-preview">{preview}</pre>
          </div>
        </div>
      )}
    </div>
  );
}
