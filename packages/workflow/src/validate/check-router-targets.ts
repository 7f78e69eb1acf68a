import type { ModelCatalog } from '@catalyst/providers';
import type { JsonValue, ProviderName } from '@catalyst/spec';
import { didYouMean, suggestNames } from '../problems/suggest-names.js';
import { type CheckedNode, configPointer } from './check-nodes.js';
import { modelStatusProblem } from './model-status-problem.js';
import type { ProblemCollector } from './problem-collector.js';

interface TargetAt {
  provider: ProviderName;
  model: string;
  /** Readable field, e.g. `routes[0].target[1].model`. */
  field: string;
  pointer: string;
}

/**
 * Checks the targets of every `llmRouter`: models the catalog does not know or knows as retired
 * are reported like a completion node's `model` (warnings: the catalog can lag), at the exact
 * field (`routes[1].target[0].model`, `default.model`). Unknown providers are already errors of
 * the config schema.
 */
export function checkRouterTargets(
  nodes: readonly CheckedNode[],
  catalog: ModelCatalog,
  problems: ProblemCollector,
  today: string,
): void {
  for (const node of nodes) {
    if (node.nodeType?.type !== 'llmRouter' || !node.configValid) continue;
    for (const target of routerTargets(node.config)) {
      const known = catalog
        .recommended(target.provider)
        .filter((info) => !info.capabilities.embeddings)
        .map((info) => info.id);
      if (known.length === 0) continue;
      const info = catalog.find(target.provider, target.model);
      const report = (
        code: 'unknown_model' | 'retired_model' | 'deprecated_model',
        message: string,
      ) =>
        problems.report({
          code,
          message,
          node: node.node.id,
          field: target.field,
          pointer: configPointer(node, target.pointer),
        });
      if (info === undefined) {
        const hint = didYouMean(suggestNames(target.model, known));
        report(
          'unknown_model',
          `model "${target.model}" is not in the ${target.provider} catalog${hint || `; known: ${known.join(', ')}`}`,
        );
      } else if (info.retired || info.deprecated) {
        const status = modelStatusProblem({ model: target.model, info, today });
        if (status) report(status.code, status.message);
      } else if (info.capabilities.embeddings) {
        report('unknown_model', `model "${target.model}" is an embedding model, not a chat model`);
      }
    }
  }
}

function routerTargets(config: Record<string, JsonValue>): TargetAt[] {
  const found: TargetAt[] = [];
  const collect = (value: JsonValue | undefined, field: string, pointer: string) => {
    const list = Array.isArray(value) ? value : value === undefined ? [] : [value];
    list.forEach((item, index) => {
      if (item === null || typeof item !== 'object' || Array.isArray(item)) return;
      const suffix = Array.isArray(value) ? `[${index}]` : '';
      const pointerSuffix = Array.isArray(value) ? `/${index}` : '';
      found.push({
        provider: item.provider as ProviderName,
        model: String(item.model),
        field: `${field}${suffix}.model`,
        pointer: `${pointer}${pointerSuffix}/model`,
      });
    });
  };
  if (Array.isArray(config.routes)) {
    config.routes.forEach((route, index) => {
      if (route === null || typeof route !== 'object' || Array.isArray(route)) return;
      collect(route.target, `routes[${index}].target`, `/routes/${index}/target`);
    });
  }
  collect(config.default, 'default', '/default');
  return found;
}
