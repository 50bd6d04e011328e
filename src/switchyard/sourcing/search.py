"""Exact single-order optimisation by branch and bound over sets of shipping locations.

For a fixed set of open locations the best assignment is easy: each line takes units
from the cheapest open locations first, each kit goes whole to its cheapest open
location. So the search enumerates location sets in order of fixed cost and prunes with
two valid bounds:

* any superset costs at least its fixed costs plus the assignment cost with every
  candidate open (assignment cost only falls as locations are added);
* a location that lowers no line's cost given the set lowers none given any superset
  (shipping what is available; not used for ship-complete, where it does not hold).

Orders with repeated SKUs, or searches that exceed ``node_limit``, return None and the
caller solves the same model with the MILP solver.
"""

from __future__ import annotations

from dataclasses import dataclass

from switchyard.sourcing.plans import Plan
from switchyard.sourcing.problem import Problem

EPS = 1e-9


class _NodeLimit(Exception):
    pass


@dataclass(slots=True)
class ExactResult:
    plan: Plan
    objective: float
    nodes: int
    runners_up: list[tuple[float, list[int]]]


def solve_exact(problem: Problem, node_limit: int = 20_000) -> ExactResult | None:
    """The cheapest plan, or None if this method does not apply to the problem."""
    if not problem.distinct_skus:
        return None
    search = _Search(problem, node_limit)
    try:
        search.run()
    except _NodeLimit:
        return None
    _, plan = assign(problem, search.best_set, want_picks=True)
    others = [t for t in search.top if t[1] != search.best_set]
    return ExactResult(plan or Plan([]), search.best, search.nodes, others)


def assign(problem: Problem, chosen: list[int], want_picks: bool) -> tuple[float, Plan | None]:
    """Best assignment of every line to the ``chosen`` candidates (no fixed costs)."""
    cands, lines, penalty = problem.candidates, problem.lines, problem.unsourced_penalty
    total = 0.0
    short = False
    picks: list[tuple[int, int, int]] = []
    for i in problem.singles:
        need = lines[i].quantity
        options = sorted((cands[c].unit[i], c) for c in chosen if cands[c].stock[i] > 0)
        for unit, c in options:
            take = min(need, cands[c].stock[i])
            total += unit * take
            need -= take
            if want_picks:
                picks.append((i, c, take))
            if not need:
                break
        if need:
            total += penalty * need
            short = True
    for kit in problem.kits:
        best, where = -1.0, -1
        for c in chosen:
            cand = cands[c]
            if all(cand.stock[i] >= lines[i].quantity for i in kit):
                cost = sum(cand.unit[i] * lines[i].quantity for i in kit)
                if where < 0 or cost < best:
                    best, where = cost, c
        if where < 0:
            total += penalty * sum(lines[i].quantity for i in kit)
            short = True
        else:
            total += best
            if want_picks:
                picks.extend((i, where, lines[i].quantity) for i in kit)
    if short and problem.complete:
        return penalty * problem.units, Plan([]) if want_picks else None
    return total, Plan(picks) if want_picks else None


class _Search:
    def __init__(self, problem: Problem, node_limit: int) -> None:
        self.problem = problem
        self.node_limit = node_limit
        self.nodes = 0
        cands = problem.candidates
        self.order = sorted(range(len(cands)), key=lambda c: (cands[c].fixed, c))
        self.max_size = problem.max_shipments or len(cands)
        self.floor = assign(problem, list(range(len(cands))), want_picks=False)[0]
        self.best = problem.unsourced_penalty * problem.units
        self.best_set: list[int] = []
        self.top: list[tuple[float, list[int]]] = []

    def run(self) -> None:
        if self.problem.candidates and self.max_size > 0:
            self._branch(0, [], 0.0, self.best)

    def _branch(self, start: int, chosen: list[int], fixed: float, assigned: float) -> None:
        p = self.problem
        cands = p.candidates
        extra = p.split_penalty if chosen else 0.0
        for k in range(start, len(self.order)):
            c = self.order[k]
            opened = fixed + cands[c].fixed + extra
            if opened + self.floor >= self.best - EPS:
                break
            self.nodes += 1
            if self.nodes > self.node_limit:
                raise _NodeLimit
            now = [*chosen, c]
            cost = assign(p, now, want_picks=False)[0]
            self._remember(opened + cost, now)
            if opened + cost < self.best - EPS:
                self.best, self.best_set = opened + cost, now
            if not p.complete and cost >= assigned - EPS:
                continue
            if len(now) < self.max_size:
                self._branch(k + 1, now, opened, cost)

    def _remember(self, cost: float, chosen: list[int]) -> None:
        top = self.top
        if len(top) < 4 or cost < top[-1][0]:
            top.append((cost, chosen))
            top.sort(key=lambda t: t[0])
            del top[4:]
