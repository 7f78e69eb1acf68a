import type { JsonSchema, JsonValue } from '@catalyst/spec';

/**
 * A value that matches `schema` (the JSON-Schema subset workflow inputs use): defaults, enums and
 * consts first, else the simplest value of the type, every declared property filled in (so
 * templates over optional fields render too).
 */
export function sampleInput(schema: JsonSchema): JsonValue {
  const s = schema as Record<string, JsonValue | undefined>;
  if (s.default !== undefined) return s.default;
  if (s.const !== undefined) return s.const;
  if (Array.isArray(s.enum) && s.enum.length > 0) return s.enum[0] ?? null;
  const type = Array.isArray(s.type) ? s.type[0] : s.type;
  switch (type) {
    case 'string': {
      const minimum = typeof s.minLength === 'number' ? s.minLength : 0;
      const text = 'example';
      return text.length >= minimum ? text : text.padEnd(minimum, 'x');
    }
    case 'integer':
    case 'number': {
      if (typeof s.minimum === 'number')
        return type === 'integer' ? Math.ceil(s.minimum) : s.minimum;
      if (typeof s.maximum === 'number' && s.maximum < 1)
        return type === 'integer' ? Math.floor(s.maximum) : s.maximum;
      return 1;
    }
    case 'boolean':
      return true;
    case 'null':
      return null;
    case 'array': {
      // One item at least (when allowed), so templates over the list have something to read.
      const minimum = typeof s.minItems === 'number' ? s.minItems : 0;
      const count = typeof s.maxItems === 'number' && s.maxItems < 1 ? 0 : Math.max(minimum, 1);
      const items = (s.items ?? {}) as JsonSchema;
      return Array.from({ length: count }, () => sampleInput(items));
    }
    case 'object':
    case undefined: {
      const properties = (s.properties ?? {}) as Record<string, JsonSchema>;
      const value: Record<string, JsonValue> = {};
      for (const [name, property] of Object.entries(properties))
        value[name] = sampleInput(property);
      return value;
    }
    default:
      return null;
  }
}
