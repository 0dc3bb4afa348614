"""The apps are layers that import only downwards (issue 17; docs/architecture.md).

audit → org → documents → workflows → fixtures → bench, bottom to top: a module imports
only from its own layer and the layers below. The contracts are in pyproject.toml
([tool.importlinter]); import-linter reads every import, also those inside functions, and
leaves out only those under ``if TYPE_CHECKING:``.
"""

from __future__ import annotations

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
# In a process of its own: import-linter configures logging as a command does, which
# disabled every logger already made in the test process (and with it the log records
# other tests read, such as documents.files's warnings).
LINT = (
    "import sys; from importlinter.cli import lint_imports; "
    "sys.exit(lint_imports(config_filename='pyproject.toml', no_cache=True))"
)


def test_every_import_contract_is_kept():
    done = subprocess.run(
        [sys.executable, "-c", LINT], cwd=ROOT, capture_output=True, text=True, timeout=600
    )
    assert done.returncode == 0, "An import goes up a layer:\n" + done.stdout + done.stderr
