/** One `name<spec>` line of a pip requirements file. */
export interface Requirement {
  name: string;
  /** The whole requirement as written (`fastapi>=0.115`). */
  text: string;
}

/** Parses a requirements file: one requirement per line, `#` comments, blank lines. */
export function parseRequirements(text: string): Map<string, Requirement> {
  const requirements = new Map<string, Requirement>();
  for (const raw of text.split('\n')) {
    const line = raw.replace(/#.*/, '').trim();
    if (line === '') continue;
    const match = /^([A-Za-z0-9][A-Za-z0-9._-]*)/.exec(line);
    if (!match?.[1]) throw new Error(`cannot read the requirement "${line}"`);
    requirements.set(match[1].toLowerCase(), { name: match[1], text: line.replace(/\s+/g, '') });
  }
  return requirements;
}
