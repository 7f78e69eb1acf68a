/** Fragment lengths, in code points, cycled through; uneven so fragments cut tokens mid-word. */
const FRAGMENT_LENGTHS = [7, 3, 11, 5, 9];

/**
 * Splits tool-call JSON into `input_json_delta` fragments at arbitrary positions, as the real API
 * does (`{"locati` + `on": "P` …), so a client that parses fragments instead of concatenating them
 * fails here as it would in production. Splits fall between code points, never inside a surrogate
 * pair, because each fragment is serialised as a JSON string of its own.
 */
export function splitJsonFragments(json: string): string[] {
  const codePoints = Array.from(json);
  const fragments: string[] = [];
  let position = 0;
  let turn = 0;
  while (position < codePoints.length) {
    const length = FRAGMENT_LENGTHS[turn % FRAGMENT_LENGTHS.length] ?? 8;
    fragments.push(codePoints.slice(position, position + length).join(''));
    position += length;
    turn += 1;
  }
  return fragments;
}
