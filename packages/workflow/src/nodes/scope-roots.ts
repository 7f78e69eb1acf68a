/** The names every expression may read: the run input, upstream outputs and allowed env vars. */
export const COMMON_SCOPE_ROOTS: readonly string[] = ['input', 'nodes', 'env'];

// Names a node type adds to its own expressions' scope. Kept beside the registry instead of in
// `NodeTypeDefinition` because the runtime builds the scope per executor anyway; the validator
// uses this to reject unknown names before anything runs.
const EXTRA_SCOPE_ROOTS: Readonly<Record<string, readonly string[]>> = {
  promptTemplate: ['variables'],
  // The router's conditions also see the estimated prompt size (docs/router.md).
  llmRouter: ['prompt_tokens'],
};

/**
 * The top-level names expressions in a node of `nodeType` may read.
 *
 * @example
 * scopeRootsFor('promptTemplate'); // ['input', 'nodes', 'env', 'variables']
 */
export function scopeRootsFor(nodeType: string): string[] {
  return [...COMMON_SCOPE_ROOTS, ...(EXTRA_SCOPE_ROOTS[nodeType] ?? [])];
}
