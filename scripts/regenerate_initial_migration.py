"""Rebuild migration 0001 from the tables declared in code.

Switchyard has not made a release yet, so the schema lives in one initial migration that
is regenerated when tables change. After the first release, add a new revision instead:
``alembic -c <config> revision --autogenerate`` via ``switchyard.db.migrate.alembic_config``.
"""

from __future__ import annotations

import subprocess
import sys
import tempfile
from pathlib import Path

from alembic import command

from switchyard.db.migrate import MIGRATIONS, alembic_config


def main() -> int:
    versions = MIGRATIONS / "versions"
    for old in versions.glob("0001_*.py"):
        old.unlink()
    with tempfile.TemporaryDirectory() as tmp:
        config = alembic_config(f"sqlite:///{Path(tmp) / 'empty.db'}")
        command.revision(config, message="initial schema", autogenerate=True, rev_id="0001")
    generated = next(versions.glob("0001_*.py"))
    text = generated.read_text()
    stamp = next(line for line in text.splitlines() if line.startswith("Create Date:"))
    generated.write_text(text.replace(stamp, "Create Date: regenerated from the declared tables"))
    subprocess.run([sys.executable, "-m", "ruff", "format", str(generated)], check=True)
    subprocess.run(
        [sys.executable, "-m", "ruff", "check", "--fix", "--quiet", str(generated)], check=False
    )
    print(f"wrote {generated}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
