import type { JsonSchema, JsonValue, ProviderName } from '@catalyst/spec';
import type { OutputFieldDefinition } from './output-fields.js';

/** A connection point on a node, as a visual editor draws it. */
export interface HandleDefinition {
  id: string;
  name: string;
  /**
   * `default` carries the node's output; `stream` is the token stream (events, not data);
   * `conditional` is active only when its condition holds (e.g. `function_call`).
   */
  type: 'default' | 'stream' | 'conditional';
}

/** Where a node type sits in an editor's palette. */
export type NodeCategory = 'io' | 'prompt' | 'llm' | 'routing' | 'embeddings';

/**
 * Everything known about a node type except how to run it (executors live in the runtime and
 * in the Python runtime): enough for a visual editor to draw it and for the validator to
 * check it.
 */
export interface NodeTypeDefinition {
  type: string;
  category: NodeCategory;
  name: string;
  description: string;
  /** A lucide icon name. */
  icon: string;
  /** A Tailwind background class, as the seeds use. */
  color: string;
  inputs: HandleDefinition[];
  outputs: HandleDefinition[];
  defaultConfig: Record<string, JsonValue>;
  /** JSON Schema of `config` (after defaults are applied). */
  configSchema: JsonSchema;
  supportsStreaming: boolean;
  /** The provider a completion node calls. */
  provider?: ProviderName;
  /**
   * Config fields whose strings are templates with `{{ … }}` holes, as paths: `prompt`,
   * `system`, `messages[].content`, `value.**` (every string anywhere below `value`).
   */
  templateFields: string[];
  /** Config fields holding a bare expression (no braces), e.g. router conditions. */
  expressionFields: string[];
  /**
   * The fields of the node's output that expressions read as `nodes.<id>.NAME` (editors offer
   * them as completions; docs/expressions.md lists them). Empty when the output has no fixed
   * shape: `input` outputs the run input itself, `output` its own value.
   */
  outputFields: readonly OutputFieldDefinition[];
}
