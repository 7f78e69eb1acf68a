import type { CallWarning, ProviderName } from '@catalyst/spec';
import type { ModelCatalog } from '../catalog/model-catalog.js';

/**
 * A warning when the catalog marks `model` deprecated (from the SDKs' own deprecation tables),
 * with its end-of-life date and replacement. It replaces the notice an SDK would print on the
 * console, so the caller gets it in `done.warnings` instead.
 *
 * @example
 * deprecationWarnings({ catalog, provider: 'anthropic', model: 'claude-sonnet-4-5' });
 * // [{ type: 'deprecated-model', setting: 'model', message: 'anthropic: model "claude-sonnet-4-5" is deprecated …' }]
 */
export function deprecationWarnings(options: {
  catalog: ModelCatalog;
  provider: ProviderName;
  model: string;
}): CallWarning[] {
  const { catalog, provider, model } = options;
  const deprecated = catalog.find(provider, model)?.deprecated;
  if (!deprecated) return [];
  const when =
    deprecated.endOfLife === undefined
      ? 'is deprecated'
      : `is deprecated and reaches its end of life on ${deprecated.endOfLife}`;
  const use = deprecated.replacements.map((id) => `"${id}"`).join(' or ');
  return [
    {
      type: 'deprecated-model',
      setting: 'model',
      message: `${provider}: model "${model}" ${when}; use ${use}`,
    },
  ];
}
