"""Run the benchmarks and print their figures: ``python -m bench [name ...]``.

Names: sourcing, sourcing_api, inventory, intake, hot_sku, search, console, notifications,
imports
(default: all).
Results, with the machine they ran on, belong in docs/benchmarks.md.
"""

import sys


def main(argv: list[str]) -> int:
    from bench import (
        console_pages,
        hot_sku,
        imports,
        inventory_availability,
        notifications,
        orders_intake,
        orders_search,
        sourcing,
        sourcing_api,
    )

    suites = {
        "sourcing": sourcing.main,
        "sourcing_api": sourcing_api.main,
        "inventory": inventory_availability.main,
        "intake": orders_intake.main,
        "hot_sku": hot_sku.main,
        "search": orders_search.main,
        "console": console_pages.main,
        "notifications": notifications.main,
        "imports": imports.main,
    }
    names = argv or list(suites)
    unknown = [n for n in names if n not in suites]
    if unknown:
        print(f"unknown benchmark(s): {', '.join(unknown)}; known: {', '.join(suites)}")
        return 2
    for name in names:
        suites[name]()
    return 0


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
