/**
 * The candidates closest to `name` by edit distance, best first, for "did you mean" hints. Only
 * close ones are offered (at most a quarter of the name's length, at least one edit, and no more
 * than one edit worse than the best), so a hint is a likely typo and not a random guess.
 *
 * @example
 * suggestNames('sumary', ['summary', 'input', 'output']); // ['summary']
 */
export function suggestNames(name: string, candidates: Iterable<string>, limit = 3): string[] {
  const lowered = name.toLowerCase();
  const allowed = Math.max(1, Math.floor(name.length / 4));
  const scored: Array<{ candidate: string; distance: number }> = [];
  for (const candidate of new Set(candidates)) {
    if (candidate === name) continue;
    const distance = editDistance(lowered, candidate.toLowerCase());
    if (distance <= allowed) scored.push({ candidate, distance });
  }
  scored.sort(
    (left, right) =>
      left.distance - right.distance || left.candidate.localeCompare(right.candidate),
  );
  const best = scored[0]?.distance ?? 0;
  return scored
    .filter((entry) => entry.distance <= best + 1)
    .slice(0, limit)
    .map((entry) => entry.candidate);
}

/** `; did you mean "a" or "b"?`, or an empty string when there is nothing to suggest. */
export function didYouMean(suggestions: string[]): string {
  if (suggestions.length === 0) return '';
  const quoted = suggestions.map((suggestion) => `"${suggestion}"`);
  const last = quoted.pop();
  return `; did you mean ${quoted.length > 0 ? `${quoted.join(', ')} or ` : ''}${last}?`;
}

/** Levenshtein distance with adjacent transpositions counted as one edit (`teh` → `the`). */
export function editDistance(left: string, right: string): number {
  const rows = left.length + 1;
  const columns = right.length + 1;
  const table: number[][] = Array.from({ length: rows }, (_, row) =>
    Array.from({ length: columns }, (_, column) => (row === 0 ? column : column === 0 ? row : 0)),
  );
  const at = (row: number, column: number): number => table[row]?.[column] ?? 0;
  for (let row = 1; row < rows; row += 1) {
    for (let column = 1; column < columns; column += 1) {
      const substitution = left[row - 1] === right[column - 1] ? 0 : 1;
      let best = Math.min(
        at(row - 1, column) + 1,
        at(row, column - 1) + 1,
        at(row - 1, column - 1) + substitution,
      );
      if (
        row > 1 &&
        column > 1 &&
        left[row - 1] === right[column - 2] &&
        left[row - 2] === right[column - 1]
      ) {
        best = Math.min(best, at(row - 2, column - 2) + 1);
      }
      const current = table[row];
      if (current) current[column] = best;
    }
  }
  return at(rows - 1, columns - 1);
}
