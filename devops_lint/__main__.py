"""``python -m devops_lint``: the command line, without importing from the scanned tree.

``python -m`` puts the working directory first on ``sys.path``. The working directory is
usually the repository being linted, which is untrusted: a ``hcl2.py``, ``jsonschema.py``
or ``ruamel/`` there would otherwise be imported in place of the real dependency when the
parser that needs it loads. So that entry goes before anything else is imported, unless
this package itself was found there (a developer running from a checkout).

Only ``os`` and ``sys``, loaded before any module of ours, are used until then (not even
``from __future__``, which is a real import).
"""

import os
import sys


def _same_dir(entry: str, folder: str) -> bool:
    try:
        return os.path.samefile(entry, folder)
    except OSError:
        return False


def sanitize_sys_path(path: list[str], cwd: str, package_home: str) -> list[str]:
    """``path`` without ``''`` and the working directory, unless the package lives there."""
    keep = []
    for entry in path:
        folder = cwd if entry in ("", os.curdir) else entry
        if _same_dir(folder, cwd) and not _same_dir(folder, package_home):
            continue
        keep.append(entry)
    return keep


if __name__ == "__main__":
    _home = os.path.dirname(os.path.dirname(os.path.abspath(__file__)))
    sys.path[:] = sanitize_sys_path(sys.path, os.getcwd(), _home)

    from devops_lint.cli import main

    main()
