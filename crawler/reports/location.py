"""Where the directory file is, as the reports show it: never a path of this machine.

Reports are published (GitHub Pages, a GitHub issue, CI logs), so they name the directory
file by its path inside the repository that holds it (`data/organisations.yaml`), and
link its lines the way GitHub renders them.
"""

from __future__ import annotations

import os
from pathlib import Path


def repository_path(path: str | os.PathLike[str], cwd: Path | None = None) -> str:
    """`path` relative to the root of the git repository holding it (POSIX separators).

    Outside any repository: relative to `cwd` (default the current directory) when the
    file is under it, else the file's name alone. Never an absolute path.
    """
    cwd = (cwd or Path.cwd()).resolve()
    absolute = (cwd / Path(path)).resolve()
    for folder in absolute.parents:
        if (folder / ".git").exists():  # a directory, or a file in a worktree or submodule
            return absolute.relative_to(folder).as_posix()
    try:
        return absolute.relative_to(cwd).as_posix()
    except ValueError:
        return absolute.name


def blob_base(environ: dict[str, str] | None = None) -> str | None:
    """``https://github.com/OWNER/REPO/blob/SHA/`` inside a GitHub Actions job (from the
    variables GitHub sets in every job), else None.

    A link in a GitHub issue or an Actions summary must be absolute; a commit, not a
    branch, keeps the line numbers true after later edits.
    """
    env = os.environ if environ is None else environ
    server, repository, sha = (env.get(k) for k in ("GITHUB_SERVER_URL", "GITHUB_REPOSITORY", "GITHUB_SHA"))
    if env.get("GITHUB_ACTIONS") != "true" or not (server and repository and sha):
        return None
    return f"{server.rstrip('/')}/{repository}/blob/{sha}/"


def line_link(path: str, line: int, base: str | None) -> str:
    """The link GitHub renders for `path` (repository-relative) at `line`: under `base`
    when given, else relative to the repository root (a leading ``/`` in a repository
    file's Markdown means its root)."""
    return f"{base or '/'}{path}#L{line}"
