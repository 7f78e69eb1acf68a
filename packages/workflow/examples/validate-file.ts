// Parse a workflow file and report every problem with its location, exactly as
// `catalyst validate` prints them.
import { formatProblem, parseWorkflow, validateWorkflow } from '@catalyst/workflow';

const text = `{
  "id": "chat",
  "name": "Chat",
  "input": { "type": "object", "properties": { "question": { "type": "string" } } },
  "nodes": [
    { "id": "input", "type": "input" },
    { "id": "answer", "type": "anthropicCompletion", "config": { "promt": "{{ input.question }}" } },
    { "id": "output", "type": "output" }
  ],
  "edges": [{ "from": "input", "to": "answer" }, { "from": "answer", "to": "output" }]
}
`;
const loaded = parseWorkflow(text, { fileName: 'chat.json' });
const problems = validateWorkflow(loaded);
for (const problem of problems) console.log(formatProblem(problem));
console.log(problems.length === 0 ? 'valid' : `${problems.length} problem(s)`);
