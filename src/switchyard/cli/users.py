"""``switchyard user``: staff accounts of the console."""

from __future__ import annotations

import typer
from rich.console import Console
from rich.table import Table

from switchyard.cli.context import cli_actor, open_database
from switchyard.staff.domain import User
from switchyard.staff.repository import UserRepository
from switchyard.staff.service import DEFAULT_TIME_ZONE, create_user, reset_password, set_disabled

app = typer.Typer(
    help="Staff users of the console: create, list, reset a password, disable.",
    no_args_is_help=True,
)
console = Console()


def _codes(raw: str) -> list[str] | None:
    return [s.strip() for s in raw.split(",") if s.strip()] or None


def _password(given: str | None) -> str:
    if given:
        return given
    return str(typer.prompt("password", hide_input=True, confirmation_prompt=True))


def _by_email(email: str) -> User:
    db = open_database()
    found = db.run(
        cli_actor(),
        lambda uow: uow.repo(UserRepository).by_email(email.strip().lower()),
        read_only=True,
    )
    if found is None:
        raise typer.BadParameter(f"no user with the email {email}", param_hint="--email")
    return found[0]


@app.command("create")
def create(
    email: str = typer.Option(..., "--email", help="the sign-in email"),
    role: str = typer.Option(
        ...,
        "--role",
        help="admin, customer_service, store_associate, warehouse, merchandiser, viewer",
    ),
    locations: str = typer.Option(
        "", "--locations", help="comma-separated location codes (store and warehouse roles)"
    ),
    name: str = typer.Option("", "--name", help="the name shown on timelines"),
    password: str | None = typer.Option(None, "--password", help="asked for when not given"),
    time_zone: str = typer.Option(DEFAULT_TIME_ZONE, "--time-zone", help="IANA zone for times"),
) -> None:
    """Create a staff user of the console."""
    secret = _password(password)
    db = open_database()
    user = db.run(
        cli_actor(),
        lambda uow: create_user(
            uow, email, secret, role, name=name, locations=_codes(locations), time_zone=time_zone
        ),
    )
    console.print(f"created [bold]{user.email}[/] ({user.id}), role {user.role}")


@app.command("list")
def list_users() -> None:
    """List staff users."""
    db = open_database()
    rows = db.run(cli_actor(), lambda uow: uow.repo(UserRepository).list(), read_only=True)
    table = Table("id", "email", "name", "role", "locations", "state")
    for u in rows:
        state = "disabled" if u.disabled_at else ("locked" if u.locked_until else "active")
        table.add_row(
            u.id, u.email, u.name, u.role, ", ".join(u.location_ids or []) or "all", state
        )
    console.print(table)


@app.command("reset-password")
def reset(
    email: str = typer.Option(..., "--email"),
    password: str | None = typer.Option(None, "--password", help="asked for when not given"),
) -> None:
    """Set a new password (lifts a lockout; signs the user out everywhere)."""
    user = _by_email(email)
    secret = _password(password)
    open_database().run(cli_actor(), lambda uow: reset_password(uow, user.id, secret))
    console.print(f"new password set for {user.email}")


@app.command("disable")
def disable(email: str = typer.Option(..., "--email")) -> None:
    """Disable an account (its sessions end at once)."""
    user = _by_email(email)
    open_database().run(cli_actor(), lambda uow: set_disabled(uow, user.id, True))
    console.print(f"disabled {user.email}")


@app.command("enable")
def enable(email: str = typer.Option(..., "--email")) -> None:
    """Enable a disabled account."""
    user = _by_email(email)
    open_database().run(cli_actor(), lambda uow: set_disabled(uow, user.id, False))
    console.print(f"enabled {user.email}")
