/**
 * A value as an expression produced it, before it becomes JSON or text: CEL `int` and `uint` are
 * `bigint` (exact to 64 bits), `double` is `number`, `bytes` is `Uint8Array`, maps are plain
 * objects with string keys.
 */
export type ExpressionValue =
  | null
  | boolean
  | bigint
  | number
  | string
  | Uint8Array
  | ExpressionValue[]
  | { [key: string]: ExpressionValue };
