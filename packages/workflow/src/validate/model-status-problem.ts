import type { ModelInfo } from '@catalyst/spec';

/** What {@link modelStatusProblem} finds: a code and a message naming what to use instead. */
export interface ModelStatusProblem {
  code: 'retired_model' | 'deprecated_model';
  message: string;
}

/**
 * The problem with using a catalog model that is retired (an error: calls fail) or deprecated
 * (a warning with the end-of-life date and the replacement). A deprecated model whose
 * end-of-life date is before `today` counts as retired: the catalog may not have caught up.
 *
 * @example
 * modelStatusProblem({ model: 'claude-sonnet-4-5', info, today: '2026-11-27' });
 * // { code: 'deprecated_model', message: 'model "claude-sonnet-4-5" is deprecated …; use "claude-sonnet-4-6"' }
 */
export function modelStatusProblem(options: {
  model: string;
  info: ModelInfo;
  /** The date to compare end-of-life dates with, `YYYY-MM-DD`. */
  today: string;
}): ModelStatusProblem | undefined {
  const { model, info, today } = options;
  const quoted = (ids: string[]) => ids.map((id) => `"${id}"`).join(' or ');
  if (info.retired) {
    return {
      code: 'retired_model',
      message: `model "${model}" was retired on ${info.retired.since} and calls to it fail; use ${quoted(info.retired.replacements)}`,
    };
  }
  const deprecated = info.deprecated;
  if (!deprecated) return undefined;
  if (deprecated.endOfLife !== undefined && deprecated.endOfLife < today) {
    return {
      code: 'retired_model',
      message: `model "${model}" reached its end of life on ${deprecated.endOfLife} and calls to it fail; use ${quoted(deprecated.replacements)}`,
    };
  }
  const when =
    deprecated.endOfLife === undefined
      ? 'is deprecated'
      : `is deprecated and reaches its end of life on ${deprecated.endOfLife}`;
  return {
    code: 'deprecated_model',
    message: `model "${model}" ${when}; use ${quoted(deprecated.replacements)}`,
  };
}
