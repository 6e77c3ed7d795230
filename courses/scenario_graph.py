"""Graph rules of a scenario: reachability, cycles, traversal order and score frontiers (pure).

These stay in code (the JSON Schemas of issue 20 describe the structure of a file, not its
graph). Everything is iterative, so a long chain of nodes cannot hit Python's recursion limit.

Score frontiers: with penalties and each competency floored at 0, the best run total is not a
plain longest path (a path whose listening points sum to -3 scores 0 there, not -3). The exact
answer keeps, per node, the *Pareto frontier* of the per-competency sums still reachable: the
vectors no other reachable vector beats in every competency. Flooring and summing is monotone,
so a dominated vector can never give a better run, and the best total is the best floored sum
over the frontier. Scenario graphs are small (tens of nodes, a handful of competencies), so the
frontiers are too; ``FRONTIER_LIMIT`` bounds them anyway (keeping the vectors with the highest
floored sums) so a pathological file cannot stall the loader.
"""

from __future__ import annotations

from collections.abc import Iterable, Iterator, Mapping, Sequence

from courses.scenario import Choice, Node

Vector = tuple[int, ...]
FRONTIER_LIMIT = 4096


def reachable(start: str, successors: Mapping[str, Sequence[str]]) -> set[str]:
    """Every node reachable from ``start`` (``start`` included)."""
    seen = {start}
    todo = [start]
    while todo:
        for target in successors.get(todo.pop(), ()):
            if target not in seen:
                seen.add(target)
                todo.append(target)
    return seen


def cycles(edges: Mapping[str, Sequence[tuple[str, int]]]) -> Iterator[tuple[list[str], int]]:
    """Each back edge found by a depth-first search, as (the nodes on its cycle, its line).

    ``edges`` maps a node id to its (target id, line of the ``next``) pairs.
    """
    done: set[str] = set()
    for root in edges:
        if root in done:
            continue
        trail: list[str] = [root]
        on_trail = {root: 0}
        stack = [iter(edges[root])]
        while stack:
            edge = next(stack[-1], None)
            if edge is None:
                stack.pop()
                finished = trail.pop()
                del on_trail[finished]
                done.add(finished)
                continue
            target, line = edge
            if target in on_trail:
                yield [*trail[on_trail[target] :], target], line
            elif target not in done:
                on_trail[target] = len(trail)
                trail.append(target)
                stack.append(iter(edges.get(target, ())))


def postorder(start: str, nodes: Mapping[str, Node]) -> list[str]:
    """Nodes reachable from ``start``, each listed after every node it leads to (DAG only)."""
    order: list[str] = []
    seen = {start}
    stack = [(start, iter(nodes[start].choices))]
    while stack:
        node_id, choices = stack[-1]
        choice = next(choices, None)
        if choice is None:
            stack.pop()
            order.append(node_id)
        elif choice.next not in seen:
            seen.add(choice.next)
            stack.append((choice.next, iter(nodes[choice.next].choices)))
    return order


def floored(vector: Iterable[int]) -> int:
    """A run total: each competency's sum floored at 0, then added up."""
    return sum(value for value in vector if value > 0)


def vector_of(choice: Choice, competencies: Sequence[str]) -> Vector:
    return tuple(choice.points.get(name, 0) for name in competencies)


def add(a: Vector, b: Vector) -> Vector:
    return tuple(x + y for x, y in zip(a, b, strict=True))


def prune(vectors: Iterable[Vector]) -> frozenset[Vector]:
    """The Pareto frontier of ``vectors`` (bounded by FRONTIER_LIMIT, best floored sums kept)."""
    ordered = sorted(set(vectors), key=lambda v: (-floored(v), [-x for x in v]))
    kept: list[Vector] = []
    for vector in ordered:
        if not any(all(k >= x for k, x in zip(other, vector, strict=True)) for other in kept):
            kept.append(vector)
            if len(kept) >= FRONTIER_LIMIT:
                break
    return frozenset(kept)


def suffix_frontiers(
    start: str, nodes: Mapping[str, Node], competencies: Sequence[str]
) -> dict[str, frozenset[Vector]]:
    """Per node reachable from ``start``: the frontier of point vectors from it to an ending."""
    zero: Vector = tuple(0 for _ in competencies)
    frontiers: dict[str, frozenset[Vector]] = {}
    for node_id in postorder(start, nodes):
        node = nodes[node_id]
        if node.is_ending or not node.choices:
            frontiers[node_id] = frozenset({zero})
            continue
        frontiers[node_id] = prune(
            add(vector_of(choice, competencies), after)
            for choice in node.choices
            for after in frontiers[choice.next]
        )
    return frontiers


def prefix_frontiers(
    start: str, nodes: Mapping[str, Node], competencies: Sequence[str]
) -> dict[str, frozenset[Vector]]:
    """Per node reachable from ``start``: the frontier of point vectors of the paths reaching
    it from ``start`` (what a run can have collected on arrival)."""
    zero: Vector = tuple(0 for _ in competencies)
    incoming: dict[str, set[Vector]] = {start: {zero}}
    frontiers: dict[str, frozenset[Vector]] = {}
    for node_id in reversed(postorder(start, nodes)):  # a topological order
        frontiers[node_id] = prune(incoming.pop(node_id, set()))
        for choice in nodes[node_id].choices:
            step = vector_of(choice, competencies)
            incoming.setdefault(choice.next, set()).update(
                add(before, step) for before in frontiers[node_id]
            )
    return frontiers


def outcomes_reachable(start: str, nodes: Mapping[str, Node]) -> dict[str, frozenset[str]]:
    """Per node: the outcomes of the endings reachable from it (itself included)."""
    found: dict[str, frozenset[str]] = {}
    for node_id in postorder(start, nodes):
        node = nodes[node_id]
        if node.ending is not None:
            found[node_id] = frozenset({node.ending.outcome})
        else:
            found[node_id] = frozenset().union(*(found[c.next] for c in node.choices))
    return found
