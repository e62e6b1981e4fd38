"""The layers hold: the domain core stays free of Django, the apps never import an interface,
and no package imports another that imports it back."""

import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent


def test_domain_package_imports_without_django():
    code = (
        "import sys, importlib, pkgutil\n"
        "import putright.domain as d\n"
        "for m in pkgutil.walk_packages(d.__path__, 'putright.domain.'):\n"
        "    importlib.import_module(m.name)\n"
        "bad = sorted(n for n in sys.modules if n == 'django' or n.startswith('django.'))\n"
        "print(','.join(bad))\n"
    )
    result = subprocess.run(
        [sys.executable, "-c", code], capture_output=True, text=True, cwd=ROOT, check=True
    )
    assert result.stdout.strip() == ""


def test_import_linter_forbids_django_in_the_domain():
    lint_imports = Path(sys.executable).parent / "lint-imports"
    result = subprocess.run(
        [str(lint_imports), "--no-cache"], capture_output=True, text=True, cwd=ROOT, check=False
    )
    assert result.returncode == 0, result.stdout + result.stderr
    assert "The domain core does not import Django KEPT" in result.stdout
    assert "Apps never import an interface" in result.stdout
    assert "No cycles between PutRight's packages (each app, each interface) KEPT" in result.stdout
    assert "BROKEN" not in result.stdout
