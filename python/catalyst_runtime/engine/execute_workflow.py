"""Runs a workflow the way Catalyst's TypeScript runtime (``catalyst serve``) does.

Independent branches run concurrently as asyncio tasks, each node as soon as its inputs are
settled, conditional handles choosing branches. Events come out in the TypeScript runtime's order
(``node`` started / finished / skipped, ``token``, ``partial`` for llm, routing and embeddings
nodes) and exactly one ``done`` or ``error`` ends the run. A failure cancels every other running
node; closing the generator (the client went away) cancels everything, which closes every
provider connection.

Example::

    async for event in execute_workflow(workflow=flow, input={"question": "Hi"},
                                        providers=providers.get, environment=os.environ):
        if event["type"] == "token":
            print(event["text"], end="")
"""

from __future__ import annotations

import asyncio
import collections
import heapq
from collections.abc import AsyncIterator, Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from catalyst_runtime.engine.executors import EXECUTORS, SYNCHRONOUS_EXECUTORS
from catalyst_runtime.engine.node_context import (
    NodeContext,
    NodeExecutor,
    NodeProviders,
    NodeResult,
    ProviderResolver,
    UpstreamValue,
)
from catalyst_runtime.engine.node_failure import NodeFailure, expression_failure
from catalyst_runtime.engine.router.router_state import MemoryRouterState, RouterState
from catalyst_runtime.engine.workflow_plan import WorkflowPlan, workflow_plan
from catalyst_runtime.providers.catalog.model_catalog import add_costs
from catalyst_runtime.workflow.expressions import ExpressionError
from catalyst_runtime.workflow.node_types import NODE_TYPES

__all__ = ["NodeFailure", "execute_workflow"]

_PARTIAL_CATEGORIES = frozenset({"llm", "routing", "embeddings"})


class _EventQueue:
    """Unbounded single-consumer queue; closed, it takes nothing more. The consumer takes
    ``items`` until it is empty, then waits (unless closed): read in place rather than through an
    async iterator of its own, one generator step less for every event of a run."""

    def __init__(self) -> None:
        self.items: collections.deque[dict[str, Any]] = collections.deque()
        self.closed = False
        self._wakeup = asyncio.Event()

    def push(self, item: dict[str, Any]) -> None:
        if self.closed:
            return
        self.items.append(item)
        self._wakeup.set()

    def close(self) -> None:
        self.closed = True
        self._wakeup.set()

    async def wait(self) -> None:
        """Until something is pushed or the queue is closed."""
        self._wakeup.clear()
        await self._wakeup.wait()


@dataclass
class _State:
    status: str = "pending"
    result: NodeResult | None = None


@dataclass
class _Run:
    failure: dict[str, Any] | None = None
    running: int = 0
    tasks: set[asyncio.Task[None]] = field(default_factory=set)
    callbacks: set[asyncio.Handle] = field(default_factory=set)
    """Synchronous nodes waiting for their turn of the loop (see ``SYNCHRONOUS_EXECUTORS``)."""


async def execute_workflow(
    *,
    workflow: Mapping[str, Any],
    input: Any,
    providers: ProviderResolver,
    environment: Mapping[str, str | None],
    executors: Mapping[str, NodeExecutor] | None = None,
    embedders: Callable[[str], Any] | None = None,
    embedding_cache: Any = None,
    router_state: RouterState | None = None,
    now: Callable[[], float] | None = None,
    on_visit: Callable[[str], None] | None = None,
    providers_for_node: Callable[[Mapping[str, Any]], NodeProviders] | None = None,
) -> AsyncIterator[dict[str, Any]]:
    """Yield the run's events; never raises (failures end the run with an ``error`` event).

    ``router_state`` is what ``llmRouter`` nodes share (a fresh in-memory one per run when
    None); ``now`` is the clock (ms) they measure time to first token with. ``on_visit`` is
    called for every node the scheduler takes, so tests can measure its work without a clock.
    ``providers_for_node``, called as each node starts, gives the providers and embedders that
    node calls (tracing wraps them to record one span per call under the node's span); default:
    ``providers`` and ``embedders`` as they are.

    Every node runs at its own turn of the event loop, so the loop (and with it a server's signal
    handling) gets a turn between nodes even when none of them does I/O: a node that may await
    as a task of its own, one of ``SYNCHRONOUS_EXECUTORS`` as a callback at the turn the task's
    first step would take (the same order, without a task per node)."""
    routers: RouterState = router_state if router_state is not None else MemoryRouterState()
    executor_table = EXECUTORS if executors is None else executors
    # The graph, each node's edges and scope are the workflow's shape, planned once per shape
    # (see workflow_plan: the plan is keyed by everything it is built from, so it cannot go
    # stale); node dicts, configs and env names are read from the workflow on every run.
    plan = workflow_plan(workflow)
    node_list = workflow["nodes"]
    order = plan.order
    node_plans = plan.nodes
    states = {node_id: _State() for node_id in order}
    queue = _EventQueue()
    env: dict[str, Any] = {name: environment.get(name) for name in workflow.get("env") or []}
    run = _Run()
    loop = asyncio.get_running_loop()
    default_services = NodeProviders(providers=providers, embedders=embedders)

    # Linear bookkeeping, as in the TypeScript runtime: each node counts the incoming edges whose
    # source has not settled and is taken (started or skipped) when that reaches zero, smallest
    # topological position first: the order a rescan of every node after each completion gave.
    unsettled_inputs = {node_id: len(node_plans[node_id].incoming) for node_id in order}
    ready = [
        position for position, node_id in enumerate(order) if unsettled_inputs[node_id] == 0
    ]  # ascending already: a heap
    settled_count = 0

    def settle(node_id: str) -> None:
        nonlocal settled_count
        settled_count += 1
        for target in node_plans[node_id].targets:
            count = unsettled_inputs.get(target)
            if count is None:
                continue
            unsettled_inputs[target] = count - 1
            if count == 1:
                heapq.heappush(ready, node_plans[target].position)

    def finish_if_idle() -> None:
        if run.failure is not None or run.running > 0:
            return
        if settled_count == len(states):
            queue.close()

    def fail(node_id: str, error: BaseException) -> None:
        if run.failure is not None:
            return
        run.failure = _to_error_event(node_id, error)
        for task in run.tasks:
            if task is not asyncio.current_task():
                task.cancel()
        for callback in run.callbacks:
            callback.cancel()
        run.callbacks.clear()
        queue.close()

    def schedule() -> None:
        if run.failure is not None:
            return
        while ready:
            node_id = order[heapq.heappop(ready)]
            if on_visit is not None:
                on_visit(node_id)
            incoming = node_plans[node_id].incoming
            upstream: list[UpstreamValue] = []
            for source, handle, source_type in incoming:
                state = states[source]
                if (
                    state.status == "finished"
                    and state.result is not None
                    and handle in state.result.active_handles
                ):
                    upstream.append(UpstreamValue(source, source_type, handle, state.result.output))
            node = node_list[node_plans[node_id].index]
            if incoming and not upstream:
                states[node_id].status = "skipped"
                queue.push(
                    {"type": "node", "node": node_id, "nodeType": node["type"], "status": "skipped"}
                )
                settle(node_id)
                continue
            start(node_id, upstream)
            if run.failure is not None:
                return
        finish_if_idle()

    def start(node_id: str, upstream: list[UpstreamValue]) -> None:
        node_plan = node_plans[node_id]
        node = node_list[node_plan.index]
        definition = NODE_TYPES.get(node["type"])
        executor = executor_table.get(node["type"])
        if definition is None or executor is None:
            fail(
                node_id,
                NodeFailure(
                    node=node_id,
                    kind="validation",
                    message=f'node "{node_id}" has an unknown type "{node["type"]}"',
                ),
            )
            return
        states[node_id].status = "running"
        run.running += 1
        queue.push({"type": "node", "node": node_id, "nodeType": node["type"], "status": "started"})
        visible: dict[str, Any] = {}
        for ancestor in node_plan.upstream:
            state = states[ancestor]
            if state.status == "finished" and state.result is not None:
                visible[ancestor] = state.result.output

        def emit(event: dict[str, Any]) -> None:
            if run.failure is None:
                queue.push(event)

        services = providers_for_node(node) if providers_for_node is not None else default_services

        context = NodeContext(
            node=node,
            definition=definition,
            config={**definition.default_config, **(node.get("config") or {})},
            scope={"input": input, "nodes": visible, "env": env},
            upstream=upstream,
            emit=emit,
            providers=services.providers,
            outgoing_handles=node_plan.outgoing_handles,
            embedders=services.embedders,
            embedding_cache=embedding_cache,
            router_state=routers,
            now=now,
        )

        async def run_node() -> None:
            try:
                result = await executor(context)
            except asyncio.CancelledError:
                run.running -= 1
                raise
            except Exception as error:  # noqa: BLE001 - every failure ends the run as an event
                run.running -= 1
                fail(node_id, error)
                return
            run.running -= 1
            if run.failure is not None:
                return
            states[node_id].status = "finished"
            states[node_id].result = result
            queue.push(
                {"type": "node", "node": node_id, "nodeType": node["type"], "status": "finished"}
            )
            if definition.category in _PARTIAL_CATEGORIES:
                queue.push({"type": "partial", "node": node_id, "output": result.output})
            settle(node_id)
            schedule()

        if executor in SYNCHRONOUS_EXECUTORS:

            def run_inline() -> None:
                run.callbacks.discard(callback)
                coroutine = run_node()
                try:
                    coroutine.send(None)
                except StopIteration:
                    return
                # It awaited after all: never leave a node half run.
                coroutine.close()
                run.running -= 1
                fail(node_id, RuntimeError(f"the {node['type']} executor awaited"))

            callback = loop.call_soon(run_inline)
            run.callbacks.add(callback)
            return
        task = asyncio.create_task(run_node(), name=f"catalyst node {node_id}")
        run.tasks.add(task)
        task.add_done_callback(run.tasks.discard)

    try:
        schedule()
        token_count = 0
        items = queue.items
        while True:
            while items:
                event = items.popleft()
                if event["type"] == "token":
                    token_count += 1
                yield event
            if queue.closed:
                break
            await queue.wait()
        if run.failure is not None:
            yield run.failure
            return
        yield _done_event(workflow, plan, states, token_count)
    finally:
        # The consumer may stop early (client disconnected): stop every node still running, and
        # wait until their provider connections are closed.
        for callback in run.callbacks:
            callback.cancel()
        pending = [task for task in run.tasks if not task.done()]
        for task in pending:
            task.cancel()
        if pending:
            await asyncio.gather(*pending, return_exceptions=True)


def _to_error_event(node_id: str, error: BaseException) -> dict[str, Any]:
    mapped = (
        expression_failure(node_id, "config", error)
        if isinstance(error, ExpressionError)
        else error
    )
    if isinstance(mapped, NodeFailure):
        return {
            "type": "error",
            "node": mapped.node,
            "kind": mapped.kind,
            "message": mapped.message,
            "retryable": mapped.retryable,
        }
    return {
        "type": "error",
        "node": node_id,
        "kind": "internal",
        "message": f'node "{node_id}" failed: {mapped}',
        "retryable": False,
    }


def _done_event(
    workflow: Mapping[str, Any], plan: WorkflowPlan, states: Mapping[str, _State], token_count: int
) -> dict[str, Any]:
    output_state = states.get(plan.output_node) if plan.output_node is not None else None
    usage: dict[str, Any] = {}
    texts: list[str] = []
    warnings: list[dict[str, Any]] = []
    cost: dict[str, float] | None = {
        "inputUsd": 0,
        "outputUsd": 0,
        "cacheReadUsd": 0,
        "cacheWriteUsd": 0,
        "totalUsd": 0,
    }
    for node_id in plan.order:
        state = states[node_id]
        if state.status != "finished" or state.result is None:
            continue
        if state.result.text is not None:
            texts.append(state.result.text)
        for warning in state.result.warnings or ():
            warnings.append({"node": node_id, **warning})
        node_usage = state.result.usage
        if not node_usage:
            continue
        usage[node_id] = node_usage
        node_cost = node_usage["cost"]
        cost = add_costs(cost, node_cost) if cost and node_cost else None
    output = (
        output_state.result.output
        if output_state is not None and output_state.status == "finished" and output_state.result
        else None
    )
    done: dict[str, Any] = {
        "type": "done",
        "output": output,
        "text": "".join(texts),
        "tokenCount": token_count,
        "usage": usage,
        "cost": cost,
    }
    # Only when there are some, so runs without warnings keep their bytes (docs/protocol.md).
    if warnings:
        done["warnings"] = warnings
    return done
