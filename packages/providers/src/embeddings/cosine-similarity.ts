/**
 * Cosine similarity of two vectors of the same length: 1 same direction, 0 orthogonal, −1
 * opposite; 0 when either is all zeros. Sums run left to right so the Python runtime, doing the
 * same IEEE operations in the same order, gets the very same number.
 *
 * @example
 * cosineSimilarity([1, 0], [1, 1]); // 0.7071067811865475
 */
export function cosineSimilarity(left: readonly number[], right: readonly number[]): number {
  if (left.length !== right.length) {
    throw new RangeError(`cannot compare vectors of ${left.length} and ${right.length} dimensions`);
  }
  let dot = 0;
  let leftNorm = 0;
  let rightNorm = 0;
  for (let index = 0; index < left.length; index += 1) {
    const a = left[index] as number;
    const b = right[index] as number;
    dot += a * b;
    leftNorm += a * a;
    rightNorm += b * b;
  }
  if (leftNorm === 0 || rightNorm === 0) return 0;
  return dot / (Math.sqrt(leftNorm) * Math.sqrt(rightNorm));
}

/** One ranked candidate. */
export interface RankedItem {
  /** Position of the candidate in the list given. */
  index: number;
  score: number;
}

/**
 * The `k` candidates most similar to `query` by cosine similarity, best first; ties keep the
 * candidates' order. For ranking a handful of items in-process, not a vector database.
 *
 * @example
 * topK({ query, candidates: vectors, k: 3 }); // [{ index: 4, score: 0.91 }, …]
 */
export function topK(options: {
  query: readonly number[];
  candidates: readonly (readonly number[])[];
  k: number;
}): RankedItem[] {
  return options.candidates
    .map((candidate, index) => ({ index, score: cosineSimilarity(options.query, candidate) }))
    .sort((left, right) => right.score - left.score || left.index - right.index)
    .slice(0, Math.max(0, options.k));
}
