import type { NodeCategory, NodeTypeDefinition } from '@catalyst/workflow';
import { nodeColor } from './flow-node.js';

const CATEGORY_NAMES: Record<NodeCategory, string> = {
  io: 'Input and output',
  prompt: 'Prompts',
  llm: 'Language models',
  routing: 'Routing',
  embeddings: 'Embeddings',
};

/** The data type a palette drag carries. */
export const PALETTE_DRAG_TYPE = 'application/x-catalyst-node-type';

/**
 * Node types by category. Drag one onto the canvas, or focus it and press Enter (or click) to
 * add it beside the others.
 */
export function Palette(props: {
  nodeTypes: NodeTypeDefinition[];
  onAdd: (nodeType: NodeTypeDefinition) => void;
}) {
  const categories = Object.keys(CATEGORY_NAMES) as NodeCategory[];
  return (
    <nav className="palette" aria-label="Node palette">
      <h2>Add a node</h2>
      {categories.map((category) => {
        const types = props.nodeTypes.filter((nodeType) => nodeType.category === category);
        if (types.length === 0) return null;
        return (
          <section key={category} aria-labelledby={`palette-${category}`}>
            <h3 id={`palette-${category}`}>{CATEGORY_NAMES[category]}</h3>
            <ul>
              {types.map((nodeType) => (
                <li key={nodeType.type}>
                  <button
                    type="button"
                    className="palette-item"
                    draggable
                    data-testid={`palette-${nodeType.type}`}
                    title={nodeType.description}
                    onDragStart={(event) => {
                      event.dataTransfer.setData(PALETTE_DRAG_TYPE, nodeType.type);
                      event.dataTransfer.effectAllowed = 'move';
                    }}
                    onClick={() => props.onAdd(nodeType)}
                  >
                    <span
                      className="palette-swatch"
                      style={{ background: nodeColor(nodeType) }}
                      aria-hidden="true"
                    />
                    {nodeType.name}
                  </button>
                </li>
              ))}
            </ul>
          </section>
        );
      })}
    </nav>
  );
}
