/** `functionCallingConfig` → `function_calling_config`. */
function snakeCase(name: string): string {
  return name.replace(/[A-Z]/g, (letter) => `_${letter.toLowerCase()}`);
}

/**
 * A field of a proto-JSON object by its camelCase name, or by its snake_case twin: Google's REST
 * API accepts both spellings (the Python SDK and curl users send snake_case).
 */
export function protoField(
  record: Record<string, unknown> | undefined,
  camelName: string,
): unknown {
  if (record === undefined) {
    return undefined;
  }
  return record[camelName] ?? record[snakeCase(camelName)];
}
