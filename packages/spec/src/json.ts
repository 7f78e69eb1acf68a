/** Any JSON value. */
export type JsonValue =
  | string
  | number
  | boolean
  | null
  | JsonValue[]
  | { [key: string]: JsonValue };

/** A JSON Schema document (draft 2020-12 subset); kept loose on purpose. */
export type JsonSchema = { [key: string]: unknown };
