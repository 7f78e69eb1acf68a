import type { JsonSchema, JsonValue, ModelInfo, WorkflowNode } from '@catalyst/spec';
import type { ExpressionReference, NodeTypeDefinition } from '@catalyst/workflow';
import Form from '@rjsf/core';
import type { ErrorSchema, RegistryWidgetsType, UiSchema } from '@rjsf/utils';
import validator from '@rjsf/validator-ajv8';
import { useEffect, useMemo, useState } from 'react';
import type { StudioProblem } from '../api.js';
import { ExpressionWidget, ScopeContext } from './expression-widget.js';
import { ModelsContext, ModelWidget } from './model-widget.js';

const WIDGETS: RegistryWidgetsType = { expression: ExpressionWidget, model: ModelWidget };

/** Drops `default`s: the form must show what the file holds, not fill defaults into it. */
function withoutDefaults(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(withoutDefaults);
  if (typeof schema !== 'object' || schema === null) return schema;
  return Object.fromEntries(
    Object.entries(schema)
      .filter(([key]) => key !== 'default')
      .map(([key, value]) => [key, withoutDefaults(value)]),
  );
}

/** Properties with no fixed shape (`value`, `variables`): edited as JSON text instead. */
function isFreeForm(schema: JsonSchema | undefined): boolean {
  if (!schema || typeof schema !== 'object') return false;
  const record = schema as Record<string, unknown>;
  return record.type === undefined || (record.type === 'object' && record.properties === undefined);
}

/** The uiSchema that puts expression and model widgets on the node type's fields. */
function uiSchemaFor(nodeType: NodeTypeDefinition): UiSchema {
  const ui: Record<string, unknown> = { 'ui:submitButtonOptions': { norender: true } };
  for (const field of nodeType.templateFields) {
    const segments = field.replace(/\[\]/g, '.[]').split('.');
    if (segments.includes('**')) continue;
    let target = ui;
    segments.forEach((segment, index) => {
      const key = segment === '[]' ? 'items' : segment;
      if (index === segments.length - 1) {
        target[key] = { ...(target[key] as object), 'ui:widget': 'expression' };
      } else {
        target[key] = (target[key] as Record<string, unknown>) ?? {};
        target = target[key] as Record<string, unknown>;
      }
    });
  }
  if (nodeType.provider) ui.model = { 'ui:widget': 'model' };
  return ui as UiSchema;
}

/** `messages[0].content` → { messages: { 0: { content: { __errors: [message] } } } }. */
function errorSchemaFor(problems: StudioProblem[]): ErrorSchema {
  const root: Record<string, unknown> = {};
  for (const problem of problems) {
    if (!problem.field) continue;
    const segments = problem.field
      .replace(/\[(\d+)\]/g, '.$1')
      .split('.')
      .filter(Boolean);
    let target = root;
    for (const segment of segments) {
      target[segment] = (target[segment] as Record<string, unknown>) ?? {};
      target = target[segment] as Record<string, unknown>;
    }
    target.__errors = [...((target.__errors as string[]) ?? []), problem.message];
  }
  return root as ErrorSchema;
}

function JsonField(props: {
  name: string;
  description: string | undefined;
  value: JsonValue | undefined;
  onChange: (value: JsonValue | undefined) => void;
}) {
  const serialized = props.value === undefined ? '' : JSON.stringify(props.value, null, 2);
  const [text, setText] = useState(serialized);
  const [error, setError] = useState<string | null>(null);
  useEffect(() => setText(serialized), [serialized]);
  const id = `json_${props.name}`;
  return (
    <div className="json-field">
      <label htmlFor={id}>{props.name} (JSON)</label>
      {props.description && <p className="field-description">{props.description}</p>}
      <textarea
        id={id}
        value={text}
        rows={Math.min(10, Math.max(3, text.split('\n').length))}
        onChange={(event) => {
          setText(event.target.value);
          if (event.target.value.trim() === '') {
            setError(null);
            props.onChange(undefined);
            return;
          }
          try {
            props.onChange(JSON.parse(event.target.value) as JsonValue);
            setError(null);
          } catch {
            setError('not valid JSON yet');
          }
        }}
      />
      {error && <p className="field-error">{error}</p>}
    </div>
  );
}

/**
 * The selected node's settings: id and name, then its config as a form generated from the node
 * type's JSON Schema, with the validator's problems on the fields they concern.
 */
export function ConfigPanel(props: {
  node: WorkflowNode;
  nodeType: NodeTypeDefinition | undefined;
  problems: StudioProblem[];
  /** What this node's expressions may read, from the server (`expressionReferences`). */
  references: readonly ExpressionReference[];
  models: ModelInfo[];
  onConfig: (config: Record<string, JsonValue>) => void;
  onRename: (id: string) => void;
  onLabel: (name: string | undefined) => void;
}) {
  const { node, nodeType } = props;
  const [idDraft, setIdDraft] = useState(node.id);
  useEffect(() => setIdDraft(node.id), [node.id]);
  const config = node.config ?? {};
  const schemaProperties = ((nodeType?.configSchema as { properties?: Record<string, JsonSchema> })
    ?.properties ?? {}) as Record<string, JsonSchema>;
  const freeForm = Object.keys(schemaProperties).filter((key) => isFreeForm(schemaProperties[key]));
  const formSchema = useMemo(() => {
    if (!nodeType) return undefined;
    const schema = withoutDefaults(nodeType.configSchema) as Record<string, unknown>;
    const properties = { ...(schema.properties as Record<string, JsonSchema>) };
    for (const key of Object.keys(properties)) {
      if (isFreeForm(properties[key])) delete properties[key];
    }
    return { ...schema, properties };
  }, [nodeType]);
  const uiSchema = useMemo(() => (nodeType ? uiSchemaFor(nodeType) : {}), [nodeType]);
  const models = useMemo(
    () =>
      props.models.filter(
        (model) => model.provider === nodeType?.provider && !model.capabilities.embeddings,
      ),
    [props.models, nodeType],
  );
  const formData = Object.fromEntries(
    Object.entries(config).filter(([key]) => !freeForm.includes(key)),
  );
  // Problems no form field shows: node-level ones, unknown keys, free-form fields.
  const unplaced = props.problems.filter((problem) => {
    const key = problem.field?.split(/[.[]/)[0] ?? '';
    return !(key in schemaProperties) || freeForm.includes(key);
  });
  return (
    <section className="config-panel" aria-label={`Settings of node ${node.id}`}>
      <h2>
        {nodeType?.name ?? node.type} <code>{node.id}</code>
      </h2>
      {nodeType && <p className="field-description">{nodeType.description}</p>}
      <label htmlFor="node-id">Node id</label>
      <input
        id="node-id"
        value={idDraft}
        onChange={(event) => setIdDraft(event.target.value)}
        onBlur={() => props.onRename(idDraft.trim())}
        onKeyDown={(event) => {
          if (event.key === 'Enter') props.onRename(idDraft.trim());
        }}
      />
      <label htmlFor="node-name">Display name</label>
      <input
        id="node-name"
        value={node.name ?? ''}
        placeholder={nodeType?.name}
        onChange={(event) =>
          props.onLabel(event.target.value === '' ? undefined : event.target.value)
        }
      />
      {unplaced.length > 0 && (
        <ul className="node-problems" aria-label="Problems of this node">
          {unplaced.map((problem) => (
            <li key={problem.text} className={`problem problem-${problem.severity}`}>
              {problem.field ? `${problem.field}: ` : ''}
              {problem.message}
            </li>
          ))}
        </ul>
      )}
      {formSchema && (
        <ScopeContext.Provider value={props.references}>
          <ModelsContext.Provider value={models}>
            <Form
              key={node.id}
              schema={formSchema as never}
              uiSchema={uiSchema}
              formData={formData}
              validator={validator}
              widgets={WIDGETS}
              extraErrors={errorSchemaFor(props.problems)}
              showErrorList={false}
              noHtml5Validate
              // Show exactly what the file holds: no filled-in array items or empty objects.
              experimental_defaultFormStateBehavior={{
                arrayMinItems: { populate: 'never' },
                emptyObjectFields: 'skipDefaults',
              }}
              onChange={(event) => {
                const next = JSON.parse(JSON.stringify(event.formData ?? {})) as Record<
                  string,
                  JsonValue
                >;
                for (const key of freeForm) {
                  const value = config[key];
                  if (value !== undefined) next[key] = value;
                }
                props.onConfig(next);
              }}
            />
          </ModelsContext.Provider>
        </ScopeContext.Provider>
      )}
      {freeForm.map((key) => (
        <JsonField
          key={`${node.id}-${key}`}
          name={key}
          description={(schemaProperties[key] as { description?: string } | undefined)?.description}
          value={config[key]}
          onChange={(value) => {
            const next = { ...config };
            if (value === undefined) delete next[key];
            else next[key] = value;
            props.onConfig(next);
          }}
        />
      ))}
    </section>
  );
}
