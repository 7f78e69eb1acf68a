export { checkExpression } from './check-expression.js';
export { checkTemplate } from './check-template.js';
export { MAX_EXPRESSION_LENGTH } from './compile-expression.js';
export { evaluateExpression, evaluateToValue } from './evaluate-expression.js';
export {
  ExpressionError,
  type ExpressionErrorKind,
  type ExpressionErrorOptions,
} from './expression-error.js';
export type { ExpressionValue } from './expression-value.js';
export { formatDouble } from './format-double.js';
export {
  parseTemplate,
  type TemplateExpressionPart,
  type TemplatePart,
  type TemplateTextPart,
} from './parse-template.js';
export { referencedNodes } from './referenced-nodes.js';
export { referencedRoots } from './referenced-roots.js';
export { renderTemplate } from './render-template.js';
export type { SourcePosition } from './source-position.js';
export { SUPPORTED_FUNCTIONS } from './supported-functions.js';
export { templateParts } from './template-parts.js';
export { toCompactJson } from './to-compact-json.js';
export type { ExpressionScope } from './to-expression-scope.js';
export { valueToText } from './value-to-text.js';
