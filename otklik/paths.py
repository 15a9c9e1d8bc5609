"""Where the repository's own files live."""

from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
DATA_DIR = ROOT / "data"
VAR_DIR = ROOT / "var"  # git-ignored: the embedded database, trained models, session files
