"""A small workflow in the shape ``catalyst build`` writes ``app/workflow.py``:
scripts/test-python.sh puts it beside the service templates (python/templates/service) to lint,
type-check and test them as one service."""

from catalyst_runtime.definition import Edge, Node, Workflow

question = Node(id="input", type="input")
answer = Node(
    id="answer",
    type="anthropicCompletion",
    config={"model": "claude-haiku-4-5", "prompt": "{{ input.question }}", "maxTokens": 64},
)
output = Node(id="output", type="output", config={"value": {"answer": "{{ nodes.answer.text }}"}})

WORKFLOW = Workflow(
    id="chat",
    name="Chat",
    input={
        "type": "object",
        "properties": {"question": {"type": "string", "minLength": 1}},
        "required": ["question"],
    },
    nodes=[question, answer, output],
    edges=[Edge(question, answer), Edge(answer, output)],
)
