import type { ModelCatalog } from '@catalyst/providers';
import type { ProviderName } from '@catalyst/spec';
import { didYouMean, suggestNames } from '../problems/suggest-names.js';
import { type CheckedNode, configPointer } from './check-nodes.js';
import { modelStatusProblem } from './model-status-problem.js';
import type { ProblemCollector } from './problem-collector.js';

/** Voyage's `output_dimension` values. */
const VOYAGE_DIMENSIONS = [256, 512, 1024, 2048];

/**
 * Checks what the config schema cannot see in `embeddingGenerate` nodes: an embedding model the
 * catalog does not know for the provider, or a chat model (warnings: the catalog can lag, Azure
 * names deployments), a Voyage dimension the API refuses, and `topK` without a `query` (errors).
 */
export function checkEmbeddingNodes(
  nodes: readonly CheckedNode[],
  catalog: ModelCatalog,
  problems: ProblemCollector,
  today: string,
): void {
  for (const node of nodes) {
    if (node.nodeType?.type !== 'embeddingGenerate' || !node.configValid) continue;
    const { config } = node;
    const id = node.node.id;
    const provider = config.provider as ProviderName;
    const model = String(config.model);
    if (provider !== 'azure' && provider !== 'local') {
      const known = catalog
        .recommended(provider)
        .filter((info) => info.capabilities.embeddings)
        .map((info) => info.id);
      const info = catalog.find(provider, model);
      if (info === undefined && known.length > 0) {
        const hint = didYouMean(suggestNames(model, known));
        problems.report({
          code: 'unknown_model',
          pointer: configPointer(node, '/model'),
          node: id,
          field: 'model',
          message: `model "${model}" is not a ${provider} embedding model in the catalog${hint || `; known: ${known.join(', ')}`}`,
        });
      } else if (info !== undefined && (info.retired || info.deprecated)) {
        const status = modelStatusProblem({ model, info, today });
        if (status) {
          problems.report({
            ...status,
            pointer: configPointer(node, '/model'),
            node: id,
            field: 'model',
          });
        }
      } else if (info !== undefined && !info.capabilities.embeddings) {
        problems.report({
          code: 'unknown_model',
          pointer: configPointer(node, '/model'),
          node: id,
          field: 'model',
          message: `model "${model}" is a chat model, not an embedding model; known: ${known.join(', ')}`,
        });
      }
    }
    if (
      provider === 'voyage' &&
      typeof config.dimensions === 'number' &&
      !VOYAGE_DIMENSIONS.includes(config.dimensions)
    ) {
      problems.report({
        code: 'invalid_config',
        pointer: configPointer(node, '/dimensions'),
        node: id,
        field: 'dimensions',
        message: `Voyage accepts dimensions ${VOYAGE_DIMENSIONS.join(', ')}, not ${config.dimensions}`,
      });
    }
    if (config.topK !== undefined && config.query === undefined) {
      problems.report({
        code: 'invalid_config',
        pointer: configPointer(node, '/topK'),
        node: id,
        field: 'topK',
        message: '"topK" ranks the texts against "query"; set "query" too, or remove "topK"',
      });
    }
  }
}
