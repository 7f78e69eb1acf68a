import type { ErrorObject } from 'ajv/dist/2020.js';
import { appendPointer } from '../load/json-pointer.js';
import { joinField } from '../nodes/find-template-strings.js';
import { didYouMean, suggestNames } from '../problems/suggest-names.js';
import type { ConfigIssue } from './config-issue.js';

/**
 * Rewrites Ajv's errors (collected with `allErrors` and `verbose`) into one issue per problem:
 * the field, what is wrong and what is allowed. For a `oneOf` that failed, the branch the value
 * was evidently aiming at (an object for an object branch, an array for an array one) explains the failure; otherwise the
 * alternatives are listed.
 */
export function humanizeSchemaErrors(errors: readonly ErrorObject[]): ConfigIssue[] {
  const kept = pruneAlternatives(errors);
  const issues: ConfigIssue[] = [];
  const seen = new Set<string>();
  for (const error of kept) {
    const issue = describe(error);
    const key = `${issue.pointer}\u0000${issue.message}`;
    if (seen.has(key)) continue;
    seen.add(key);
    issues.push(issue);
  }
  return issues;
}

function pruneAlternatives(errors: readonly ErrorObject[]): ErrorObject[] {
  let kept = [...errors];
  for (const error of errors) {
    if (error.keyword !== 'oneOf' && error.keyword !== 'anyOf') continue;
    const prefix = `${error.schemaPath}/`;
    const branches = Array.isArray(error.schema) ? (error.schema as unknown[]) : [];
    // An object (or array) value was evidently aiming at the object (or array) branch.
    const shape = isPlainObject(error.data) ? 'object' : Array.isArray(error.data) ? 'array' : '';
    const aimedAt =
      shape === ''
        ? -1
        : branches.findIndex((branch) => isPlainObject(branch) && branch.type === shape);
    if (aimedAt !== -1) {
      const branchPrefix = `${prefix}${aimedAt}/`;
      kept = kept.filter(
        (other) =>
          other !== error &&
          (!other.schemaPath.startsWith(prefix) || other.schemaPath.startsWith(branchPrefix)),
      );
      continue;
    }
    // Branch errors sit at the same value (or below); errors from a `$ref`'d branch carry the
    // referenced schema's path, so they are recognised by where they point, not by schema path.
    const inside = (other: ErrorObject) =>
      other !== error &&
      (other.instancePath === error.instancePath ||
        other.instancePath.startsWith(`${error.instancePath}/`));
    if (branches.every((branch) => describeBranch(branch).length > 0)) {
      kept = kept.filter((other) => !inside(other));
    } else {
      // Alternatives we cannot put into words: the first branch's complaint is the best hint.
      const first = kept.find(inside);
      kept = kept.filter((other) => other !== error && (!inside(other) || other === first));
    }
  }
  return kept;
}

function describe(error: ErrorObject): ConfigIssue {
  const pointer = error.instancePath;
  const at = (message: string, child?: string): ConfigIssue => ({
    pointer: child === undefined ? pointer : appendPointer(pointer, child),
    field: fieldOf(child === undefined ? pointer : appendPointer(pointer, child)),
    message,
  });
  const got = ` (got ${preview(error.data)})`;
  const parent = isPlainObject(error.parentSchema) ? error.parentSchema : {};
  switch (error.keyword) {
    case 'required': {
      const missing = String(error.params.missingProperty);
      const properties = isPlainObject(parent.properties) ? parent.properties : {};
      const property = properties[missing];
      const description =
        isPlainObject(property) && typeof property.description === 'string'
          ? ` (${property.description.replace(/\.$/, '')})`
          : '';
      return at(`is required${description}`, missing);
    }
    case 'additionalProperties': {
      const extra = String(error.params.additionalProperty);
      const allowed = isPlainObject(parent.properties) ? Object.keys(parent.properties) : [];
      const hint = didYouMean(suggestNames(extra, allowed));
      const list = allowed.length > 0 ? `; allowed: ${allowed.join(', ')}` : '';
      return at(`unknown field "${extra}"${hint}${hint ? '' : list}`, extra);
    }
    case 'enum':
      return at(`must be one of ${listValues(error.params.allowedValues)}${got}`);
    case 'const':
      return at(`must be ${JSON.stringify(error.params.allowedValue)}${got}`);
    case 'type':
      return at(`must be ${withArticle(String(error.params.type))}${got}`);
    case 'minimum':
    case 'maximum':
    case 'exclusiveMinimum':
    case 'exclusiveMaximum':
      if (typeof parent.minimum === 'number' && typeof parent.maximum === 'number') {
        return at(`must be between ${parent.minimum} and ${parent.maximum}${got}`);
      }
      return at(`${error.message ?? 'is out of range'}${got}`);
    case 'minLength':
      return at(
        error.params.limit === 1
          ? 'must not be empty'
          : `must be at least ${error.params.limit} characters`,
      );
    case 'minItems':
      return at(`must have at least ${plural(Number(error.params.limit), 'item')}`);
    case 'maxItems':
      return at(
        `must have at most ${plural(Number(error.params.limit), 'item')} (got ${Array.isArray(error.data) ? error.data.length : '?'})`,
      );
    case 'pattern':
      return at(`must match ${String(error.params.pattern)}${got}`);
    case 'oneOf':
    case 'anyOf': {
      const branches = Array.isArray(error.schema) ? (error.schema as unknown[]) : [];
      return at(`must be ${joinOr(branches.flatMap(describeBranch))}${got}`);
    }
    default:
      return at(error.message ?? `fails "${error.keyword}"`);
  }
}

/** How a `oneOf` branch reads in "must be …": quoted values, or "an object with …". */
function describeBranch(branch: unknown): string[] {
  if (!isPlainObject(branch)) return [];
  if (Array.isArray(branch.enum)) return branch.enum.map((value) => JSON.stringify(value));
  if (branch.const !== undefined) return [JSON.stringify(branch.const)];
  if (branch.type === 'object' && Array.isArray(branch.required)) {
    return [`an object with ${joinAnd(branch.required.map((name) => `"${String(name)}"`))}`];
  }
  if (typeof branch.type === 'string') return [withArticle(branch.type)];
  return [];
}

/** `/messages/0/role` → `messages[0].role`. */
export function fieldOf(pointer: string): string {
  if (pointer === '') return '';
  return pointer
    .slice(1)
    .split('/')
    .map((step) => step.replaceAll('~1', '/').replaceAll('~0', '~'))
    .reduce(
      (field, step) => (/^\d+$/.test(step) ? `${field}[${step}]` : joinField(field, step)),
      '',
    );
}

function preview(value: unknown): string {
  if (value === undefined) return 'nothing';
  const text = JSON.stringify(value) ?? String(value);
  return text.length > 40 ? `${text.slice(0, 37)}...` : text;
}

function withArticle(type: string): string {
  const noun = type === 'integer' ? 'integer (a whole number)' : type;
  return /^[aeiou]/.test(noun) ? `an ${noun}` : `a ${noun}`;
}

function listValues(values: unknown): string {
  return Array.isArray(values) ? joinOr(values.map((value) => JSON.stringify(value))) : '?';
}

function joinOr(items: string[]): string {
  return items.length <= 1
    ? (items[0] ?? '')
    : `${items.slice(0, -1).join(', ')} or ${items.at(-1)}`;
}

function joinAnd(items: string[]): string {
  return items.length <= 1
    ? (items[0] ?? '')
    : `${items.slice(0, -1).join(', ')} and ${items.at(-1)}`;
}

function plural(count: number, noun: string): string {
  return `${count} ${noun}${count === 1 ? '' : 's'}`;
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}
