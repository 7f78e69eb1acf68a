/**
 * The statistics the report uses: nearest-rank percentiles over sorted samples, the median of
 * per-round medians (one noisy round moves it little), and round-wise deltas against a baseline.
 */

/**
 * The nearest-rank percentile of `values` (0 < p ≤ 100); NaN for no values.
 * @example percentile({ values: [3, 1, 2], p: 50 }) // 2
 */
export function percentile({ values, p }) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const rank = Math.ceil((p / 100) * sorted.length);
  return sorted[Math.min(sorted.length, Math.max(1, rank)) - 1];
}

/** The median (the mean of the two middle values when the count is even); NaN for none. */
export function median(values) {
  if (values.length === 0) return Number.NaN;
  const sorted = [...values].sort((a, b) => a - b);
  const middle = Math.floor(sorted.length / 2);
  return sorted.length % 2 === 1 ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
}

/**
 * The median of each round's median: `rounds` is one array of samples per round.
 * @example medianOfMedians([[1, 2, 3], [10, 20, 30], [4, 5, 6]]) // 5
 */
export function medianOfMedians(rounds) {
  return median(rounds.filter((round) => round.length > 0).map((round) => median(round)));
}

/**
 * A system's added cost over a baseline measured in the same rounds: the median over rounds of
 * (the system's round median − the baseline's round median). Pairing by round cancels the
 * machine's load drifting between rounds.
 */
export function addedOverBaseline({ system, baseline }) {
  const deltas = [];
  for (let round = 0; round < Math.min(system.length, baseline.length); round++) {
    if (system[round].length === 0 || baseline[round].length === 0) continue;
    deltas.push(median(system[round]) - median(baseline[round]));
  }
  return median(deltas);
}

/** Fisher–Yates shuffle into a new array; `random` is injectable so tests are deterministic. */
export function shuffled({ items, random = Math.random }) {
  const result = [...items];
  for (let index = result.length - 1; index > 0; index--) {
    const other = Math.floor(random() * (index + 1));
    [result[index], result[other]] = [result[other], result[index]];
  }
  return result;
}
