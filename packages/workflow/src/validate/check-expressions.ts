import {
  checkExpression,
  checkTemplate,
  type ExpressionError,
  parseTemplate,
  referencedNodes,
  referencedRoots,
} from '../expressions/index.js';
import { sourcePosition } from '../expressions/source-position.js';
import type { UpstreamQuery } from '../graph/upstream-query.js';
import { findTemplateStrings, type TemplateString } from '../nodes/find-template-strings.js';
import { scopeRootsFor } from '../nodes/scope-roots.js';
import { didYouMean, suggestNames } from '../problems/suggest-names.js';
import type { ExpressionLocation } from '../problems/workflow-problem.js';
import { type CheckedNode, configPointer } from './check-nodes.js';
import type { ProblemCollector } from './problem-collector.js';
import { referencedEnvironment } from './referenced-environment.js';

/** What expressions may see: the nodes that exist, which are upstream of which, allowed env vars. */
export interface ExpressionContext {
  nodes: readonly CheckedNode[];
  upstream: UpstreamQuery;
  env: ReadonlySet<string>;
}

/** One `{{ }}` hole or bare expression: its CEL source and where it sits in the field's string. */
interface Hole {
  source: string;
  /** UTF-16 range of the hole in the field's string, to find references in it. */
  start: number;
  end: number;
}

/**
 * Checks every template and expression field: syntax, then the names it reads — unknown roots
 * and nodes (with suggestions), nodes not upstream of this one, env vars the workflow does not
 * list. Positions are given both in the file (the field) and inside the string.
 */
export function checkExpressions(context: ExpressionContext, problems: ProblemCollector): void {
  const ids = context.nodes.map((node) => node.node.id);
  const known = new Set(ids);
  for (const node of context.nodes) {
    // A config that failed its schema may hold templates in wrong places; its problems are
    // already reported and guessing at them would only add noise.
    if (!node.nodeType || !node.configValid) continue;
    const templates = findTemplateStrings(node.config, node.nodeType.templateFields);
    const expressions = findTemplateStrings(node.config, node.nodeType.expressionFields);
    for (const [strings, isTemplate] of [
      [templates, true],
      [expressions, false],
    ] as const) {
      for (const string of strings) {
        const report = (
          code: Parameters<ProblemCollector['report']>[0]['code'],
          message: string,
          expression?: ExpressionLocation,
        ) =>
          problems.report({
            code,
            message,
            pointer: configPointer(node, string.pointer),
            node: node.node.id,
            field: string.field,
            expression,
          });
        const errors = isTemplate ? checkTemplate(string.text) : checkExpression(string.text);
        if (errors.length > 0) {
          for (const error of errors)
            report('expression_syntax', error.detail, errorLocation(error, string.text));
          continue;
        }
        const holes = isTemplate
          ? templateHoles(string)
          : [{ source: string.text, start: 0, end: string.text.length }];
        for (const hole of holes)
          checkHole(hole, string.text, node, { ids, known }, context, report);
      }
    }
  }
}

type Report = (
  code: 'unknown_reference' | 'not_upstream' | 'env_not_allowed',
  message: string,
  expression?: ExpressionLocation,
) => void;

function checkHole(
  hole: Hole,
  text: string,
  node: CheckedNode,
  { ids, known }: { ids: readonly string[]; known: ReadonlySet<string> },
  context: ExpressionContext,
  report: Report,
): void {
  const at = (pattern: RegExp) => locateIn(text, hole, pattern);
  const allowedRoots = scopeRootsFor(node.node.type);
  for (const root of referencedRoots(hole.source)) {
    if (allowedRoots.includes(root)) continue;
    const hint = didYouMean(suggestNames(root, allowedRoots));
    report(
      'unknown_reference',
      `unknown name "${root}"${hint || `; expressions here can read ${allowedRoots.join(', ')}`}`,
      at(new RegExp(`(?<![\\w$.])${escapeRegExp(root)}(?![\\w$])`)),
    );
  }
  for (const id of referencedNodes(hole.source)) {
    const location = at(
      new RegExp(
        `\\bnodes\\s*(?:\\??\\.\\s*${escapeRegExp(id)}(?![\\w$])|\\[\\??\\s*["']${escapeRegExp(id)}["'])`,
      ),
    );
    if (!known.has(id)) {
      const hint = didYouMean(suggestNames(id, ids));
      report('unknown_reference', `unknown node "${id}"${hint}`, location);
    } else if (id === node.node.id) {
      report('not_upstream', `node "${id}" cannot read its own output`, location);
    } else if (!context.upstream.isUpstream(id, node.node.id)) {
      report(
        'not_upstream',
        `node "${id}" is not upstream of "${node.node.id}": its output is not ready when "${node.node.id}" runs; add an edge (directly or through other nodes) from "${id}" to "${node.node.id}"`,
        location,
      );
    }
  }
  for (const name of referencedEnvironment(hole.source)) {
    if (context.env.has(name)) continue;
    const hint = didYouMean(suggestNames(name, context.env));
    report(
      'env_not_allowed',
      `env.${name} is not listed in the workflow's "env"${hint || `; add "${name}" to "env" to let expressions read it`}`,
      at(
        new RegExp(
          `\\benv\\s*(?:\\??\\.\\s*${escapeRegExp(name)}(?![\\w$])|\\[\\??\\s*["']${escapeRegExp(name)}["'])`,
        ),
      ),
    );
  }
}

function templateHoles(string: TemplateString): Hole[] {
  const holes: Hole[] = [];
  for (const part of parseTemplate(string.text)) {
    if (part.type !== 'expression') continue;
    holes.push({
      source: part.source,
      start: codeUnitIndex(string.text, part.start),
      end: codeUnitIndex(string.text, part.end),
    });
  }
  return holes;
}

/** Where `pattern` first matches inside the hole, as a position in the whole string. */
function locateIn(text: string, hole: Hole, pattern: RegExp): ExpressionLocation {
  const slice = text.slice(hole.start, hole.end);
  const match = pattern.exec(slice);
  const index = hole.start + (match?.index ?? 0);
  return { source: text, ...sourcePosition(text, index) };
}

function errorLocation(error: ExpressionError, text: string): ExpressionLocation {
  // Errors without a position (e.g. "too long") are about the whole string.
  const position = error.position ?? { offset: 0, line: 1, column: 1 };
  return { source: text, offset: position.offset, line: position.line, column: position.column };
}

/** The UTF-16 index of the code point at `offset`. */
function codeUnitIndex(text: string, offset: number): number {
  let index = 0;
  for (let count = 0; count < offset && index < text.length; count += 1) {
    index += (text.codePointAt(index) ?? 0) > 0xffff ? 2 : 1;
  }
  return index;
}

function escapeRegExp(text: string): string {
  return text.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
}
