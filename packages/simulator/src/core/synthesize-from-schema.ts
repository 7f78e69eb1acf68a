type Schema = Record<string, unknown>;

function isSchema(value: unknown): value is Schema {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function resolveReference(reference: string, root: Schema): Schema | undefined {
  // Only local references (`#/$defs/X`, `#/definitions/X`) occur in tool schemas.
  if (!reference.startsWith('#/')) return undefined;
  let node: unknown = root;
  for (const segment of reference.slice(2).split('/')) {
    if (!isSchema(node)) return undefined;
    node = node[segment.replace(/~1/g, '/').replace(/~0/g, '~')];
  }
  return isSchema(node) ? node : undefined;
}

function synthesize(schema: unknown, root: Schema, depth: number, name: string): unknown {
  if (!isSchema(schema) || depth > 8) return null;
  if (typeof schema.$ref === 'string') {
    return synthesize(resolveReference(schema.$ref, root), root, depth + 1, name);
  }
  if ('const' in schema) return schema.const;
  if (Array.isArray(schema.enum) && schema.enum.length > 0) return schema.enum[0];
  if ('default' in schema) return schema.default;
  for (const key of ['anyOf', 'oneOf', 'allOf'] as const) {
    const options = schema[key];
    if (Array.isArray(options) && options.length > 0) {
      const nonNull = options.find((option) => !(isSchema(option) && option.type === 'null'));
      return synthesize(nonNull ?? options[0], root, depth + 1, name);
    }
  }
  let type = schema.type;
  if (Array.isArray(type)) type = type.find((candidate) => candidate !== 'null') ?? type[0];
  if (type === undefined && isSchema(schema.properties)) type = 'object';
  switch (type) {
    case 'object': {
      const properties = isSchema(schema.properties) ? schema.properties : {};
      const required = Array.isArray(schema.required)
        ? schema.required.filter((key): key is string => typeof key === 'string')
        : Object.keys(properties);
      const value: Record<string, unknown> = {};
      for (const key of required) value[key] = synthesize(properties[key], root, depth + 1, key);
      return value;
    }
    case 'array': {
      const count = Math.max(1, typeof schema.minItems === 'number' ? schema.minItems : 1);
      return Array.from({ length: count }, () => synthesize(schema.items, root, depth + 1, name));
    }
    case 'string':
      return name ? `example ${name}` : 'example';
    case 'integer':
    case 'number':
      return typeof schema.minimum === 'number' ? schema.minimum : 1;
    case 'boolean':
      return true;
    case 'null':
      return null;
    default:
      return name ? `example ${name}` : 'example';
  }
}

/**
 * Builds a deterministic value that satisfies a JSON Schema: required properties, the first
 * enum value, `example <name>` for strings, 1 (or the minimum) for numbers, one array item.
 *
 * @example synthesizeFromSchema({ type: 'object', properties: { city: { type: 'string' } }, required: ['city'] })
 * // { city: 'example city' }
 */
export function synthesizeFromSchema(schema: unknown): unknown {
  return synthesize(schema, isSchema(schema) ? schema : {}, 0, '');
}
