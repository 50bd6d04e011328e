"""A solver's answer for one order, and the float cost every strategy is judged by."""

from __future__ import annotations

from dataclasses import dataclass, field

from switchyard.sourcing.problem import Problem


@dataclass(slots=True)
class Plan:
    """Units of each line taken from each candidate: ``(line, candidate, quantity)``."""

    picks: list[tuple[int, int, int]] = field(default_factory=list)

    def used(self) -> list[int]:
        return sorted({c for _, c, q in self.picks if q > 0})

    def sourced(self, problem: Problem) -> list[int]:
        got = [0] * len(problem.lines)
        for line, _, q in self.picks:
            got[line] += q
        return got


def objective(problem: Problem, plan: Plan) -> float:
    """Cost the optimiser minimises: shipments, units, split penalty, unsourced penalty."""
    used = plan.used()
    cands = problem.candidates
    total = sum(cands[c].fixed for c in used)
    total += problem.split_penalty * max(0, len(used) - 1)
    total += sum(cands[c].unit[line] * q for line, c, q in plan.picks)
    sourced = plan.sourced(problem)
    short = sum(line.quantity - s for line, s in zip(problem.lines, sourced, strict=True))
    return total + problem.unsourced_penalty * short


def empty_plan() -> Plan:
    return Plan([])
