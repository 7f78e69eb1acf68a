import { defineCompletionNode } from './define-completion-node.js';

/** The embedded local model: no API key, no network. */
export const LOCAL_COMPLETION_NODE = defineCompletionNode({
  type: 'localCompletion',
  provider: 'local',
  name: 'Local model',
  description:
    'A small language model running in-process (SmolLM2-135M by default, or any GGUF file set in CATALYST_LOCAL_MODEL): streaming and JSON output with no API key.',
  icon: 'Cpu',
  color: 'bg-slate-500',
  maximumTemperature: 2,
  modelDescription: 'Informational: the model is the GGUF file the local runtime loads.',
});
