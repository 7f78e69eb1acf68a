import { applyEdits, findNodeAtLocation, type JSONPath, modify, parseTree } from 'jsonc-parser';
import { type Document, isMap, isSeq, parseDocument } from 'yaml';

/** Options for {@link editWorkflowText}. */
export interface EditWorkflowTextOptions {
  /** The file as it is on disk. */
  text: string;
  /** What the file should hold after the save. */
  value: unknown;
  /** `.yaml`/`.yml` names are edited as YAML, anything else as JSON. */
  fileName: string;
}

type Path = (string | number)[];

/** One change that turns the old value into the new one at the smallest place that differs. */
type Change =
  | { kind: 'set'; path: Path; value: unknown }
  | { kind: 'remove'; path: Path }
  | { kind: 'insert'; path: Path; value: unknown };

/**
 * Rewrites a workflow file so it holds `value`, touching only the parts that changed: the file's
 * own indentation, key order, one-line objects and (in YAML) comments stay as they were, so a
 * one-field change is a one-line diff. New keys go after the existing ones.
 *
 * @example
 * editWorkflowText({ text, value: { ...workflow, name: 'Renamed' }, fileName: 'chat.json' });
 */
export function editWorkflowText(options: EditWorkflowTextOptions): string {
  const yaml = /\.ya?ml$/i.test(options.fileName);
  const before: unknown = yaml
    ? parseDocument(options.text).toJS()
    : JSON.parse(options.text.replace(/^\uFEFF/, ''));
  const changes: Change[] = [];
  diffValues(before, options.value, [], changes);
  if (changes.length === 0) return options.text;
  return yaml ? applyYamlChanges(options.text, changes) : applyJsonChanges(options.text, changes);
}

/** Collects the changes, deepest first where they can be; array removals run from the end. */
function diffValues(before: unknown, after: unknown, path: Path, changes: Change[]): void {
  if (deepEqual(before, after)) return;
  if (isPlainObject(before) && isPlainObject(after)) {
    for (const key of Object.keys(before)) {
      if (!(key in after)) changes.push({ kind: 'remove', path: [...path, key] });
    }
    for (const [key, value] of Object.entries(after)) {
      if (key in before) diffValues(before[key], value, [...path, key], changes);
      else changes.push({ kind: 'set', path: [...path, key], value });
    }
    return;
  }
  if (Array.isArray(before) && Array.isArray(after)) {
    if (before.length === after.length) {
      for (const [index, item] of after.entries()) {
        diffValues(before[index], item, [...path, index], changes);
      }
      return;
    }
    // Items kept at both ends stay untouched; the middle is removed and inserted again.
    let prefix = 0;
    while (
      prefix < before.length &&
      prefix < after.length &&
      deepEqual(before[prefix], after[prefix])
    ) {
      prefix += 1;
    }
    let suffix = 0;
    while (
      suffix < before.length - prefix &&
      suffix < after.length - prefix &&
      deepEqual(before[before.length - 1 - suffix], after[after.length - 1 - suffix])
    ) {
      suffix += 1;
    }
    for (let index = before.length - suffix - 1; index >= prefix; index -= 1) {
      changes.push({ kind: 'remove', path: [...path, index] });
    }
    after.slice(prefix, after.length - suffix).forEach((item, offset) => {
      changes.push({ kind: 'insert', path: [...path, prefix + offset], value: item });
    });
    return;
  }
  changes.push({ kind: 'set', path, value: after });
}

function applyJsonChanges(text: string, changes: Change[]): string {
  const indent = /\n( +)"/.exec(text)?.[1]?.length ?? 2;
  const formattingOptions = { insertSpaces: true, tabSize: indent, eol: '\n' };
  let result = text;
  for (const change of changes) {
    const path = change.path as JSONPath;
    if (change.kind === 'remove' && typeof path.at(-1) === 'number') {
      result = removeJsonArrayItem(result, path);
      continue;
    }
    const edits =
      change.kind === 'remove'
        ? modify(result, path, undefined, { formattingOptions })
        : modify(result, path, change.value, {
            formattingOptions,
            isArrayInsertion: change.kind === 'insert',
          });
    result = applyEdits(result, edits);
  }
  return result;
}

/**
 * Cuts one array item with the separator before it (or after it, for the first item).
 * jsonc-parser's own removal mangles the array when the last item goes.
 */
function removeJsonArrayItem(text: string, path: JSONPath): string {
  const root = parseTree(text);
  const item = root && findNodeAtLocation(root, path);
  const array = item?.parent;
  if (!item || !array?.children) throw new Error(`no array item at ${path.join('.')}`);
  const index = array.children.indexOf(item);
  const previous = array.children[index - 1];
  const next = array.children[index + 1];
  if (previous)
    return text.slice(0, previous.offset + previous.length) + text.slice(item.offset + item.length);
  if (next) return text.slice(0, item.offset) + text.slice(next.offset);
  return text.slice(0, array.offset + 1) + text.slice(array.offset + array.length - 1);
}

function applyYamlChanges(text: string, changes: Change[]): string {
  const document: Document = parseDocument(text);
  for (const change of changes) {
    if (change.kind === 'set') {
      // The root itself changing shape is rare enough to rebuild it.
      if (change.path.length === 0) document.contents = document.createNode(change.value);
      else document.setIn(change.path, change.value);
    } else if (change.kind === 'remove') {
      document.deleteIn(change.path);
    } else {
      const parent = document.getIn(change.path.slice(0, -1), true);
      if (!isSeq(parent)) throw new Error(`cannot insert into ${change.path.join('.')}`);
      parent.items.splice(Number(change.path.at(-1)), 0, document.createNode(change.value));
    }
  }
  if (!isMap(document.contents)) throw new Error('a workflow file holds a mapping');
  return document.toString();
}

function isPlainObject(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function deepEqual(left: unknown, right: unknown): boolean {
  if (left === right) return true;
  if (Array.isArray(left) && Array.isArray(right)) {
    return (
      left.length === right.length && left.every((item, index) => deepEqual(item, right[index]))
    );
  }
  if (isPlainObject(left) && isPlainObject(right)) {
    const keys = Object.keys(left);
    return (
      keys.length === Object.keys(right).length &&
      keys.every((key) => key in right && deepEqual(left[key], right[key]))
    );
  }
  return false;
}
