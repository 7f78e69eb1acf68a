import { type EmbeddingLimits, estimateEmbeddingTokens } from './embedding-limits.js';

/**
 * Splits `texts` into consecutive batches that respect `limits`: at most `maxItems` texts and
 * `maxTokens` estimated tokens each. A single text above the token budget travels alone (the
 * provider then truncates or refuses it). Returns index ranges into `texts`, in order.
 *
 * @example
 * splitIntoBatches(['a', 'b', 'c'], { maxItems: 2, maxTokens: 100 }); // [[0, 2], [2, 3]]
 */
export function splitIntoBatches(
  texts: readonly string[],
  limits: EmbeddingLimits,
): Array<[start: number, end: number]> {
  const batches: Array<[number, number]> = [];
  let start = 0;
  let tokens = 0;
  for (let index = 0; index < texts.length; index += 1) {
    const cost = estimateEmbeddingTokens(texts[index] ?? '');
    const count = index - start;
    if (count > 0 && (count >= limits.maxItems || tokens + cost > limits.maxTokens)) {
      batches.push([start, index]);
      start = index;
      tokens = 0;
    }
    tokens += cost;
  }
  if (start < texts.length) batches.push([start, texts.length]);
  return batches;
}
