import type { ModelCatalog } from '@catalyst/providers';
import { didYouMean, suggestNames } from '../problems/suggest-names.js';
import { type CheckedNode, configPointer } from './check-nodes.js';
import { modelStatusProblem } from './model-status-problem.js';
import type { ProblemCollector } from './problem-collector.js';

/**
 * Checks completion models against the catalog: unknown ones (a typo, or a model newer than
 * the catalog) and deprecated ones are warnings, since the catalog can lag behind the
 * providers; retired ones are errors (calls fail). Each names what to use instead.
 */
export function checkModels(
  nodes: readonly CheckedNode[],
  catalog: ModelCatalog,
  problems: ProblemCollector,
  today: string,
): void {
  for (const node of nodes) {
    const provider = node.nodeType?.provider;
    const model = node.config.model;
    if (provider === undefined || typeof model !== 'string' || model === '') continue;
    const known = catalog
      .recommended(provider)
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
    } else if (info.retired || info.deprecated) {
      const status = modelStatusProblem({ model, info, today });
      if (status) problems.report({ ...status, pointer, node: node.node.id, field: 'model' });
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
