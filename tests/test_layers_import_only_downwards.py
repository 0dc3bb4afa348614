"""The apps are layers that import only downwards (issue 17; docs/architecture.md).

audit → org → documents → workflows → fixtures → bench, bottom to top: a module imports
only from its own layer and the layers below. The contracts are in pyproject.toml
([tool.importlinter]); import-linter reads every import, also those inside functions, and
leaves out only those under ``if TYPE_CHECKING:``.
"""

from __future__ import annotations

import contextlib
import io
import os
import sys
from pathlib import Path

from importlinter.cli import lint_imports

ROOT = Path(__file__).resolve().parent.parent


def test_every_import_contract_is_kept():
    out = io.StringIO()
    cwd = os.getcwd()
    os.chdir(ROOT)  # the packages are found from the project's root
    sys.path.insert(0, str(ROOT))
    try:
        with contextlib.redirect_stdout(out):
            code = lint_imports(config_filename=str(ROOT / "pyproject.toml"), no_cache=True)
    finally:
        sys.path.remove(str(ROOT))
        os.chdir(cwd)
    assert code == 0, "An import goes up a layer:\n" + out.getvalue()
