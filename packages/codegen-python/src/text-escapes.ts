// Escaping for the non-Python files of a generated project (pyproject.toml, README.md).

function withoutLoneSurrogates(text: string): string {
  return text.replace(
    /[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g,
    '\ufffd',
  );
}

/** `text` as a TOML basic string (`"…"`), control characters escaped. */
export function tomlString(text: string): string {
  let out = '';
  for (const char of withoutLoneSurrogates(text)) {
    const code = char.codePointAt(0) ?? 0;
    if (char === '\\') out += '\\\\';
    else if (char === '"') out += '\\"';
    else if (char === '\n') out += '\\n';
    else if (char === '\t') out += '\\t';
    else if (code < 0x20 || code === 0x7f) out += `\\u${code.toString(16).padStart(4, '0')}`;
    else out += char;
  }
  return `"${out}"`;
}

/**
 * `text` as inert Markdown on one line: punctuation Markdown or HTML would act on is
 * backslash-escaped, control characters become spaces.
 */
export function markdownText(text: string): string {
  return withoutLoneSurrogates(text)
    .replace(/[\p{Cc}\p{Zl}\p{Zp}]/gu, ' ')
    .replace(/[\\`*_{}[\]()#+\-.!|<>&~"']/g, (char) => `\\${char}`);
}

/** A name pip and PyPI accept (PEP 508), from `text`. */
export function distributionName(text: string): string {
  const name = text
    .toLowerCase()
    .replace(/[^a-z0-9]+/g, '-')
    .replace(/^-+|-+$/g, '')
    .slice(0, 60)
    .replace(/-+$/, '');
  return name === '' ? 'workflow' : name;
}
