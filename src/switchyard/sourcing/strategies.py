"""The greedy strategies merchants know from other systems, on the same problem model.

* ``priority``: locations in the merchant's priority order (Magento MSI source priority,
  Saleor warehouse sort order); each line takes what it can from the first, then the next.
* ``nearest``: the same, nearest location first (Magento distance priority, Shopify).
* ``highest_stock``: for each line, the location with most units of its SKU first (Saleor).
* ``fewest_shipments``: repeatedly the location that covers most of what is still open.

All respect stock, capacity (through the filters), max shipments, kits and ship-complete.
Each returns the plan and a ranking (candidate -> rank key) for the decision log.
"""

from __future__ import annotations

from collections.abc import Callable

from switchyard.sourcing.plans import Plan
from switchyard.sourcing.problem import Problem

Ranking = Callable[[int], list[int]]


def priority(problem: Problem) -> tuple[Plan, dict[int, object]]:
    cands = problem.candidates
    order = sorted(
        range(len(cands)),
        key=lambda c: (cands[c].location.priority, cands[c].distance_km, cands[c].location.code),
    )
    return _fill(problem, lambda _: order), {c: cands[c].location.priority for c in order}


def nearest(problem: Problem) -> tuple[Plan, dict[int, object]]:
    cands = problem.candidates
    order = sorted(
        range(len(cands)),
        key=lambda c: (cands[c].distance_km, cands[c].location.priority, cands[c].location.code),
    )
    return _fill(problem, lambda _: order), {c: round(cands[c].distance_km, 1) for c in order}


def highest_stock(problem: Problem) -> tuple[Plan, dict[int, object]]:
    cands = problem.candidates

    def by_stock(line: int) -> list[int]:
        def key(c: int) -> tuple[int, int, str]:
            return (-cands[c].stock[line], cands[c].location.priority, cands[c].location.code)

        return sorted(range(len(cands)), key=key)

    return _fill(problem, by_stock), {c: sum(cands[c].stock) for c in range(len(cands))}


def fewest_shipments(problem: Problem) -> tuple[Plan, dict[int, object]]:
    cands, lines = problem.candidates, problem.lines
    left = {c: list(cand.stock) for c, cand in enumerate(cands)}
    need = [line.quantity for line in lines]
    open_kits = list(problem.kits)
    limit = problem.max_shipments or len(cands)
    picks: list[tuple[int, int, int]] = []
    chosen: dict[int, object] = {}
    while len(chosen) < limit:
        best, best_key = -1, (0, 0.0)
        for c, cand in enumerate(cands):
            if c in chosen:
                continue
            units = sum(min(need[i], left[c][i]) for i in problem.singles)
            units += sum(
                sum(need[i] for i in kit) for kit in open_kits if _fits(problem, left[c], kit, need)
            )
            key = (units, -cand.fixed)
            if units > 0 and (best < 0 or key > best_key):
                best, best_key = c, key
        if best < 0:
            break
        chosen[best] = best_key[0]
        for kit in [k for k in open_kits if _fits(problem, left[best], k, need)]:
            open_kits.remove(kit)
            for i in kit:
                picks.append((i, best, need[i]))
                left[best][i] -= need[i]
                need[i] = 0
        for i in problem.singles:
            take = min(need[i], left[best][i])
            if take:
                picks.append((i, best, take))
                need[i] -= take
                _share(problem, left[best], i, take)
    return _finish(problem, picks, need), chosen


def _fill(problem: Problem, ranking: Ranking) -> Plan:
    cands, lines = problem.candidates, problem.lines
    left = {c: list(cand.stock) for c, cand in enumerate(cands)}
    need = [line.quantity for line in lines]
    limit = problem.max_shipments or len(cands)
    opened: set[int] = set()
    picks: list[tuple[int, int, int]] = []
    kit_of = {kit[0]: kit for kit in problem.kits}
    for i in range(len(lines)):
        kit = kit_of.get(i)
        if kit is not None:
            for c in ranking(i):
                if (c in opened or len(opened) < limit) and _fits(problem, left[c], kit, need):
                    opened.add(c)
                    for j in kit:
                        picks.append((j, c, need[j]))
                        _share(problem, left[c], j, need[j])
                        need[j] = 0
                    break
            continue
        if i not in problem.singles:
            continue
        for c in ranking(i):
            if not need[i]:
                break
            take = min(need[i], left[c][i])
            if take and (c in opened or len(opened) < limit):
                opened.add(c)
                picks.append((i, c, take))
                need[i] -= take
                _share(problem, left[c], i, take)
    return _finish(problem, picks, need)


def _fits(problem: Problem, left: list[int], kit: list[int], need: list[int]) -> bool:
    """The location has every unit the kit needs (lines of one SKU add up)."""
    want: dict[str, int] = {}
    for i in kit:
        want[problem.lines[i].sku] = want.get(problem.lines[i].sku, 0) + need[i]
    return all(left[i] >= want[problem.lines[i].sku] for i in kit)


def _share(problem: Problem, left: list[int], line: int, taken: int) -> None:
    """Lines of the same SKU draw on the same units."""
    sku = problem.lines[line].sku
    for j, other in enumerate(problem.lines):
        if other.sku == sku:
            left[j] -= taken


def _finish(problem: Problem, picks: list[tuple[int, int, int]], need: list[int]) -> Plan:
    if problem.complete and any(need):
        return Plan([])
    return Plan(picks)
