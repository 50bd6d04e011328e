"""The restricted master problem of column generation, kept in one warm-started HiGHS.

Rows: one per order (choose exactly one plan), one per (SKU, location) stock limit and
one per location's shipment capacity, added as columns first touch them.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import highspy
import numpy as np

from switchyard.sourcing.plans import Plan

Key = tuple[str, ...]
INF = highspy.kHighsInf


@dataclass(slots=True)
class Column:
    """One plan for one order: its cost and what it uses of each limited resource."""

    order: int
    plan: Plan
    cost: float
    usage: dict[Key, float]


class Master:
    """The restricted master problem, kept in one HiGHS instance and warm-started."""

    def __init__(self, orders: int, limits: dict[Key, float]) -> None:
        self.h = highspy.Highs()  # type: ignore[no-untyped-call]
        self.h.setOptionValue("output_flag", False)
        self.h.setOptionValue("threads", 1)
        self.limits = limits
        self.rows: dict[Key, int] = {}
        self.columns: list[Column] = []
        ones = np.ones(orders)
        self.h.addRows(
            orders, ones, ones, 0, np.zeros(orders, np.int32), np.array([], np.int32), np.array([])
        )
        self.orders = orders

    def add(self, columns: Sequence[Column]) -> None:
        new_keys = sorted(
            {k for col in columns for k in col.usage if k not in self.rows and k in self.limits}
        )
        if new_keys:
            first = self.orders + len(self.rows)
            for n, key in enumerate(new_keys):
                self.rows[key] = first + n
            hi = np.array([self.limits[k] for k in new_keys])
            z = np.zeros(len(new_keys), np.int32)
            self.h.addRows(
                len(new_keys),
                np.full(len(new_keys), -INF),
                hi,
                0,
                z,
                np.array([], np.int32),
                np.array([]),
            )
        starts: list[int] = []
        index: list[int] = []
        value: list[float] = []
        for col in columns:
            starts.append(len(index))
            index.append(col.order)
            value.append(1.0)
            for key, coef in col.usage.items():
                row = self.rows.get(key)
                if row is not None:
                    index.append(row)
                    value.append(coef)
        n = len(columns)
        self.h.addCols(
            n,
            np.array([c.cost for c in columns]),
            np.zeros(n),
            np.ones(n),
            len(index),
            np.array(starts, np.int32),
            np.array(index, np.int32),
            np.array(value),
        )
        self.columns.extend(columns)

    def solve_lp(self) -> tuple[float, dict[Key, float], np.ndarray]:
        """LP value, resource prices (negated duals, >= 0) and order duals."""
        self.h.run()
        duals = np.asarray(self.h.getSolution().row_dual)
        prices = {k: float(-duals[r]) for k, r in self.rows.items() if duals[r] < -1e-9}
        return self.h.getInfo().objective_function_value, prices, duals[: self.orders]

    def solve_mip(self, time_limit: float, start: list[int]) -> list[Column] | None:
        """Pick one column per order; ``start`` are column positions of a feasible choice."""
        n = len(self.columns)
        self.h.changeColsIntegrality(n, np.arange(n, dtype=np.int32), np.ones(n, np.uint8))
        self.h.setOptionValue("time_limit", max(1.0, time_limit))
        self.h.setOptionValue("mip_rel_gap", 1e-4)
        solution = highspy.HighsSolution()
        values = np.zeros(n)
        values[start] = 1.0
        solution.col_value = list(values)
        solution.value_valid = True
        self.h.setSolution(solution)
        self.h.run()
        if self.h.getInfo().primal_solution_status != 2:
            return None
        chosen = np.asarray(self.h.getSolution().col_value)
        return [self.columns[j] for j in np.flatnonzero(chosen > 0.5)]
