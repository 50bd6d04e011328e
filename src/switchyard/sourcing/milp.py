"""The sourcing MILP, solved with HiGHS, for one order or a batch sharing stock and capacity.

Per order o, candidate location c and line i:

* ``y[o,c]`` binary: c ships part of o (fixed cost: handling + carrier base);
* ``x[o,i,c]`` integer units of line i from c (cost per unit: handling + carrier per kg);
* ``w[o,k,c]`` binary: kit k ships whole from c;
* ``u[o,i]`` / ``v[o,k]`` unsourced units or kits (penalised), or for ship-complete one
  binary ``z[o]`` that sources the order entirely or not at all;
* ``e[o]`` shipments beyond the first (split penalty).

Rows: demand, linking (x <= min(q, stock) * y, w <= y), max shipments, stock per
(SKU, location) across orders, shipments per location within capacity. Rows that
cannot bind are left out.
"""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Sequence
from dataclasses import dataclass

import highspy
import numpy as np

from switchyard.sourcing.plans import Plan
from switchyard.sourcing.problem import Problem

INF = highspy.kHighsInf


@dataclass(slots=True)
class MilpResult:
    plans: list[Plan] | None
    objective: float
    bound: float
    optimal: bool
    seconds: float


class _Model:
    def __init__(self) -> None:
        self.cost: list[float] = []
        self.lo: list[float] = []
        self.hi: list[float] = []
        self.integer: list[int] = []
        self.row_lo: list[float] = []
        self.row_hi: list[float] = []
        self.entries: list[tuple[int, int, float]] = []
        self.offset = 0.0

    def var(self, cost: float, hi: float, integer: bool, lo: float = 0.0) -> int:
        self.cost.append(cost)
        self.lo.append(lo)
        self.hi.append(hi)
        self.integer.append(1 if integer else 0)
        return len(self.cost) - 1

    def row(self, terms: Sequence[tuple[int, float]], lo: float, hi: float) -> None:
        r = len(self.row_lo)
        self.row_lo.append(lo)
        self.row_hi.append(hi)
        merged: dict[int, float] = {}
        for col, val in terms:  # a kit of one SKU twice puts one column in a row twice
            merged[col] = merged.get(col, 0.0) + val
        self.entries.extend((r, col, val) for col, val in merged.items())

    def solve(self, time_limit: float, rel_gap: float) -> highspy.Highs:
        h = highspy.Highs()  # type: ignore[no-untyped-call]
        h.setOptionValue("output_flag", False)
        h.setOptionValue("time_limit", float(time_limit))
        h.setOptionValue("mip_rel_gap", float(rel_gap))
        h.setOptionValue("threads", 1)
        lp = highspy.HighsLp()
        lp.num_col_, lp.num_row_ = len(self.cost), len(self.row_lo)
        lp.col_cost_ = np.array(self.cost)
        lp.col_lower_, lp.col_upper_ = np.array(self.lo), np.array(self.hi)
        lp.row_lower_, lp.row_upper_ = np.array(self.row_lo), np.array(self.row_hi)
        lp.offset_ = self.offset
        ent = np.array(self.entries, dtype=float).reshape(-1, 3)
        order = np.lexsort((ent[:, 0], ent[:, 1]))
        rows, cols, vals = ent[order, 0], ent[order, 1].astype(np.int64), ent[order, 2]
        lp.a_matrix_.format_ = highspy.MatrixFormat.kColwise
        lp.a_matrix_.start_ = np.searchsorted(cols, np.arange(lp.num_col_ + 1)).astype(np.int32)
        lp.a_matrix_.index_ = rows.astype(np.int32)
        lp.a_matrix_.value_ = vals
        kinds = (highspy.HighsVarType.kContinuous, highspy.HighsVarType.kInteger)
        lp.integrality_ = [kinds[k] for k in self.integer]
        h.passModel(lp)
        h.run()
        return h


def solve_milp(
    problems: Sequence[Problem],
    stock: dict[tuple[str, str], int] | None = None,
    capacity: dict[str, int | None] | None = None,
    time_limit: float = 10.0,
    rel_gap: float = 1e-6,
) -> MilpResult:
    """Solve the problems jointly. ``stock`` and ``capacity`` are the shared limits;
    without them each order sees the stock of its own problem and no capacity row."""
    m = _Model()
    stock_terms: dict[tuple[str, str], list[tuple[int, float]]] = defaultdict(list)
    stock_rhs: dict[tuple[str, str], int] = {}
    ships: dict[str, list[int]] = defaultdict(list)
    decode: list[tuple[list[tuple[int, int, int]], list[tuple[int, list[int], int]]]] = []
    for p in problems:
        lines, cands = p.lines, p.candidates
        y = [m.var(c.fixed, 1, True) for c in cands]
        z = m.var(-p.unsourced_penalty * p.units, 1, True) if p.complete else -1
        if p.complete:
            m.offset += p.unsourced_penalty * p.units
        xs: list[tuple[int, int, int]] = []
        ws: list[tuple[int, list[int], int]] = []
        for i in p.singles:
            q = lines[i].quantity
            terms: list[tuple[int, float]] = []
            for c, cand in enumerate(cands):
                cap = min(q, cand.stock[i])
                if cap <= 0:
                    continue
                x = m.var(cand.unit[i], cap, True)
                xs.append((x, i, c))
                terms.append((x, 1.0))
                m.row([(x, 1.0), (y[c], -cap)], -INF, 0.0)
                key = (lines[i].sku, cand.location.id)
                stock_terms[key].append((x, 1.0))
                stock_rhs[key] = cand.stock[i] if stock is None else stock.get(key, 0)
            if p.complete:
                m.row([*terms, (z, -q)], 0.0, 0.0)
            else:
                m.row([*terms, (m.var(p.unsourced_penalty, q, False), 1.0)], q, q)
        for kit in p.kits:
            kit_units = sum(lines[i].quantity for i in kit)
            terms = []
            for c, cand in enumerate(cands):
                if not all(cand.stock[i] >= lines[i].quantity for i in kit):
                    continue
                w = m.var(sum(cand.unit[i] * lines[i].quantity for i in kit), 1, True)
                ws.append((w, kit, c))
                terms.append((w, 1.0))
                m.row([(w, 1.0), (y[c], -1.0)], -INF, 0.0)
                for i in kit:
                    key = (lines[i].sku, cand.location.id)
                    stock_terms[key].append((w, float(lines[i].quantity)))
                    stock_rhs[key] = cand.stock[i] if stock is None else stock.get(key, 0)
            if p.complete:
                m.row([*terms, (z, -1.0)], 0.0, 0.0)
            else:
                m.row([*terms, (m.var(p.unsourced_penalty * kit_units, 1, False), 1.0)], 1, 1)
        if p.split_penalty > 0 and len(cands) > 1:
            e = m.var(p.split_penalty, INF, False)
            m.row([*((v, 1.0) for v in y), (e, -1.0)], -INF, 1.0)
        if p.max_shipments is not None and p.max_shipments < len(cands):
            m.row([(v, 1.0) for v in y], -INF, float(p.max_shipments))
        for c, cand in enumerate(cands):
            ships[cand.location.id].append(y[c])
        decode.append((xs, ws))
    for key, terms in stock_terms.items():
        if sum(m.hi[col] * coef for col, coef in terms) > stock_rhs[key]:
            m.row(terms, -INF, float(stock_rhs[key]))
    for loc_id, ys in ships.items():
        left = None if capacity is None else capacity.get(loc_id)
        if left is not None and len(ys) > left:
            m.row([(v, 1.0) for v in ys], -INF, float(left))
    h = m.solve(time_limit, rel_gap)
    return _result(h, problems, decode, any(m.integer))


def _result(
    h: highspy.Highs,
    problems: Sequence[Problem],
    decode: list[tuple[list[tuple[int, int, int]], list[tuple[int, list[int], int]]]],
    has_integers: bool,
) -> MilpResult:
    info = h.getInfo()
    status = h.getModelStatus()
    optimal = status == highspy.HighsModelStatus.kOptimal
    seconds = h.getRunTime()
    if info.primal_solution_status != 2:  # 2: feasible
        return MilpResult(None, INF, info.mip_dual_bound, False, seconds)
    values = h.getSolution().col_value
    plans = []
    for p, (xs, ws) in zip(problems, decode, strict=True):
        picks = [(i, c, round(values[x])) for x, i, c in xs if round(values[x]) > 0]
        for w, kit, c in ws:
            if values[w] > 0.5:
                picks.extend((i, c, p.lines[i].quantity) for i in kit)
        plans.append(Plan(picks))
    bound = info.mip_dual_bound if has_integers else info.objective_function_value
    return MilpResult(plans, info.objective_function_value, bound, optimal, seconds)
