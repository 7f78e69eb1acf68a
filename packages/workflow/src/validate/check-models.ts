import type { ModelCatalog } from '@catalyst/providers';
import { didYouMean, suggestNames } from '../problems/suggest-names.js';
import { type CheckedNode, configPointer } from './check-nodes.js';
import type { ProblemCollector } from './problem-collector.js';

/**
 * Warns about completion models the catalog does not know (a typo, or a model newer than the
 * catalog) or knows as retired (calls will fail), naming replacements. Warnings, not errors:
 * the catalog can lag behind the providers.
 */
export function checkModels(
  nodes: readonly CheckedNode[],
  catalog: ModelCatalog,
  problems: ProblemCollector,
): void {
  for (const node of nodes) {
    const provider = node.nodeType?.provider;
    const model = node.config.model;
    if (provider === undefined || typeof model !== 'string' || model === '') continue;
    const known = catalog
      .list(provider)
      .filter((info) => !info.capabilities.embeddings)
      .map((info) => info.id);
    // Providers without catalog entries (Azure deployments, local servers) take any name.
    if (known.length === 0) continue;
    const pointer = configPointer(node, '/model');
    const info = catalog.find(provider, model);
    if (info === undefined) {
      const hint = didYouMean(suggestNames(model, known));
      problems.report({
        code: 'unknown_model',
        pointer,
        node: node.node.id,
        field: 'model',
        message: `model "${model}" is not in the ${provider} catalog${hint || `; known: ${known.join(', ')}`}`,
      });
    } else if (info.retired) {
      const replacements = info.retired.replacements.map((id) => `"${id}"`).join(' or ');
      problems.report({
        code: 'retired_model',
        pointer,
        node: node.node.id,
        field: 'model',
        message: `model "${model}" was retired on ${info.retired.since} and calls to it fail; use ${replacements}`,
      });
    } else if (info.capabilities.embeddings) {
      problems.report({
        code: 'unknown_model',
        pointer,
        node: node.node.id,
        field: 'model',
        message: `model "${model}" is an embedding model, not a chat model`,
      });
    }
  }
}
