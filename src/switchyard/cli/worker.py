"""``switchyard worker``: deliver webhooks and customer emails from the outbox until stopped."""

from __future__ import annotations

import logging
import signal
from dataclasses import replace
from types import FrameType
from typing import TypeVar

import typer
from rich.console import Console

from switchyard.cli.context import open_database
from switchyard.config import Settings
from switchyard.housekeeping import Housekeeper
from switchyard.notifications.worker import NotificationWorker, NotifierSettings
from switchyard.webhooks.retries import RetryPolicy
from switchyard.webhooks.worker import Worker, WorkerSettings

console = Console()
T = TypeVar("T")


def _pick(option: T | None, default: T) -> T:
    return default if option is None else option


def worker(
    concurrency: int | None = typer.Option(None, help="deliveries in flight at once [4]"),
    poll_interval: float | None = typer.Option(None, help="seconds between polls when idle [1]"),
    timeout: float | None = typer.Option(None, help="seconds an endpoint has to answer [15]"),
    lease_seconds: float | None = typer.Option(
        None, help="seconds a claim is held before another worker may retry it [60, >= 4 x timeout]"
    ),
    backoff_base: float | None = typer.Option(None, help="first retry delay in seconds [5]"),
    backoff_max: float | None = typer.Option(None, help="longest retry delay in seconds [14400]"),
    retry_for: float | None = typer.Option(
        None, help="seconds to keep retrying before dead [86400]"
    ),
    once: bool = typer.Option(False, "--once", help="deliver what is due now, then exit"),
    housekeeping: bool = typer.Option(
        True, help="also expire cart holds and uncollected pickups periodically"
    ),
    notifications: bool = typer.Option(
        True, help="also send customer emails over SMTP (SWITCHYARD_SMTP_*)"
    ),
    worker_id: str | None = typer.Option(None, help="name in the attempt log [host:pid:random]"),
) -> None:
    """Deliver webhooks: relay new events, send due deliveries, retry with backoff.

    Run several workers against PostgreSQL for throughput and availability.
    SIGTERM or Ctrl-C lets in-flight attempts finish.
    Options default to the SWITCHYARD_WEBHOOK_* environment variables.
    """
    logging.basicConfig(level=logging.INFO, format="%(asctime)s %(levelname)s %(message)s")
    settings = WorkerSettings.from_env()
    retry = settings.retry
    timeout = _pick(timeout, settings.timeout)
    lease_seconds = _pick(lease_seconds, max(settings.lease_seconds, 4 * timeout))
    if lease_seconds < 4 * timeout:
        raise typer.BadParameter("--lease-seconds must be at least 4 times --timeout")
    settings = replace(
        settings,
        concurrency=_pick(concurrency, settings.concurrency),
        poll_interval=_pick(poll_interval, settings.poll_interval),
        timeout=timeout,
        lease_seconds=lease_seconds,
        retry=RetryPolicy(
            backoff_base=_pick(backoff_base, retry.backoff_base),
            backoff_max=_pick(backoff_max, retry.backoff_max),
            retry_for=_pick(retry_for, retry.retry_for),
            jitter=retry.jitter,
        ),
    )
    app_settings = Settings.from_env()
    db = open_database(app_settings)
    runner = Worker(db, settings, worker_id=worker_id)
    keeper = Housekeeper(db) if housekeeping and not once else None
    notifier = (
        NotificationWorker(db, app_settings, NotifierSettings.from_env(), worker_id=worker_id)
        if notifications
        else None
    )
    if keeper:
        keeper.start()
    try:
        if once:
            made = runner.drain()
            console.print(f"made {made} delivery attempt(s)")
            if notifier:
                console.print(f"made {notifier.drain()} email attempt(s)")
            return
        if notifier:
            notifier.start()
            console.print(
                f"emails to {app_settings.smtp_host}:{app_settings.smtp_port} (SWITCHYARD_SMTP_*)"
            )

        def _stop(signum: int, _frame: FrameType | None) -> None:
            console.print(f"signal {signum}: finishing in-flight deliveries")
            runner.stop()

        signal.signal(signal.SIGTERM, _stop)
        signal.signal(signal.SIGINT, _stop)
        console.print(f"webhook worker {runner.worker_id} running; Ctrl-C to stop")
        runner.run()
    finally:
        if notifier:
            notifier.stop()
        if keeper:
            keeper.stop()
        runner.close()
        db.engine.dispose()
