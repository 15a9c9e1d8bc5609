"""`otklik dashboard`: start the Streamlit console on the configured database."""

import os
import sys

import typer

from otklik.paths import ROOT
from otklik.runtime import get_engine
from otklik.settings import get_settings

APP = ROOT / "dashboard" / "app.py"


def streamlit_command(*, port: int, address: str) -> list[str]:
    """The `streamlit run` command line of the console, headless."""
    return [
        sys.executable,
        "-m",
        "streamlit",
        "run",
        str(APP),
        "--server.headless=true",
        f"--server.port={port}",
        f"--server.address={address}",
        "--browser.gatherUsageStats=false",
        "--server.fileWatcherType=none",
        "--client.toolbarMode=minimal",
        # a failure the page did not catch shows no traceback, paths or help links
        "--client.showErrorDetails=none",
    ]


def dashboard(
    port: int = typer.Option(None, "--port", help="Port (default: OTKLIK_DASHBOARD_PORT)."),
    address: str = typer.Option("127.0.0.1", "--address", help="Interface to listen on."),
) -> None:
    """Start the console (Streamlit, headless) on the configured database."""
    settings = get_settings()
    get_engine()  # the embedded SQLite migrates itself; a database behind says so, in one line
    env = {**os.environ, "OTKLIK_DATABASE_URL": settings.database_url}
    command = streamlit_command(port=port or settings.dashboard_port, address=address)
    typer.echo(f"console: http://{address}:{port or settings.dashboard_port}")
    sys.stdout.flush()
    # Become the console rather than wait on it: a stop signal (a service manager, Ctrl+C,
    # a test's terminate) then reaches Streamlit itself, and no orphaned server is left.
    os.chdir(ROOT)
    os.execve(command[0], command, env)
