import type { JsonSchema, WorkflowDefinition } from '@catalyst/spec';
import { useEffect, useState } from 'react';
import type { StudioProblem } from '../api.js';

/** Settings of the workflow itself, shown when no node is selected. */
export function WorkflowPanel(props: {
  definition: WorkflowDefinition;
  problems: StudioProblem[];
  onChange: (change: (definition: WorkflowDefinition) => WorkflowDefinition) => void;
}) {
  const { definition } = props;
  const serialized = JSON.stringify(definition.input, null, 2);
  const [inputText, setInputText] = useState(serialized);
  const [inputError, setInputError] = useState<string | null>(null);
  useEffect(() => setInputText(serialized), [serialized]);
  const set = (key: 'id' | 'name' | 'description', value: string) =>
    props.onChange((current) => {
      if (key === 'description' && value === '') {
        const { description: _removed, ...rest } = current;
        return rest;
      }
      return current[key] === value ? current : { ...current, [key]: value };
    });
  const workflowProblems = props.problems.filter((problem) => problem.node === undefined);
  return (
    <section className="workflow-panel" aria-label="Workflow settings">
      <h2>Workflow</h2>
      <label htmlFor="workflow-id">Id (names the HTTP routes)</label>
      <input
        id="workflow-id"
        value={definition.id}
        onChange={(event) => set('id', event.target.value)}
      />
      <label htmlFor="workflow-name">Name</label>
      <input
        id="workflow-name"
        value={definition.name}
        onChange={(event) => set('name', event.target.value)}
      />
      <label htmlFor="workflow-description">Description</label>
      <textarea
        id="workflow-description"
        rows={2}
        value={definition.description ?? ''}
        onChange={(event) => set('description', event.target.value)}
      />
      <label htmlFor="workflow-input">Input schema (JSON Schema of the run input)</label>
      <textarea
        id="workflow-input"
        rows={8}
        value={inputText}
        onChange={(event) => {
          setInputText(event.target.value);
          try {
            const input = JSON.parse(event.target.value) as JsonSchema;
            setInputError(null);
            props.onChange((current) => ({ ...current, input }));
          } catch {
            setInputError('not valid JSON yet');
          }
        }}
      />
      {inputError && <p className="field-error">{inputError}</p>}
      {workflowProblems.length > 0 && (
        <ul className="node-problems" aria-label="Problems of the workflow">
          {workflowProblems.map((problem) => (
            <li key={problem.text} className={`problem problem-${problem.severity}`}>
              {problem.message}
            </li>
          ))}
        </ul>
      )}
      <p className="field-description">
        Select a node to edit it. Keys: Delete removes the selection, Ctrl+Z / Ctrl+Shift+Z undo and
        redo, Ctrl+S saves.
      </p>
    </section>
  );
}
