"""The executor of every node type (TypeScript: ``runtime/executors/executors``): the one
module that connects the engine to :mod:`catalyst_runtime.nodes`."""

from __future__ import annotations

from collections.abc import Mapping

from catalyst_runtime.engine.node_context import NodeExecutor
from catalyst_runtime.nodes.completion import execute_completion
from catalyst_runtime.nodes.embedding_generate import execute_embedding_generate
from catalyst_runtime.nodes.input import execute_input
from catalyst_runtime.nodes.llm_router import execute_llm_router
from catalyst_runtime.nodes.output import execute_output
from catalyst_runtime.nodes.prompt_template import execute_prompt_template

__all__ = ["EXECUTORS", "SYNCHRONOUS_EXECUTORS"]

EXECUTORS: Mapping[str, NodeExecutor] = {
    "input": execute_input,
    "output": execute_output,
    "promptTemplate": execute_prompt_template,
    "anthropicCompletion": execute_completion,
    "openaiCompletion": execute_completion,
    "azureOpenaiCompletion": execute_completion,
    "groqCompletion": execute_completion,
    "geminiCompletion": execute_completion,
    "grokCompletion": execute_completion,
    "localCompletion": execute_completion,
    "embeddingGenerate": execute_embedding_generate,
    "llmRouter": execute_llm_router,
}
"""Executors by node type; completion types share one executor configured by the registry."""

SYNCHRONOUS_EXECUTORS: tuple[NodeExecutor, ...] = (
    execute_input,
    execute_output,
    execute_prompt_template,
)
"""Executors that never await (they only render templates): the engine runs them in a callback
of the loop instead of a task of their own, at the turn the task's first step would have taken,
so events keep their order and the loop still gets a turn between nodes. An executor added here
that does await fails its run with an internal error instead of hanging (engine test). A tuple,
not a set: an executor is looked up by equality, so one need not be hashable."""
