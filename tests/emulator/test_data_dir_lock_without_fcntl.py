"""Where Python has no ``fcntl`` (Windows), the data dir is locked all the same: each
process here runs with ``fcntl`` made unimportable, so the portable lock is the one used."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from pathlib import Path

import httpx

from .conftest import API_KEY

_NO_FCNTL = "import sys; sys.modules['fcntl'] = None  # as on Windows: import fcntl fails\n"

_SERVE = _NO_FCNTL + textwrap.dedent(
    """
    import os
    from openai_uploads.emulator import EmulatorServer

    with EmulatorServer(data_dir=sys.argv[1], api_key=sys.argv[2]) as server:
        assert server.store._dir_lock.portable
        print(os.getpid(), server.base_url, flush=True)
        sys.stdin.readline()  # serve until told to stop
    """
)

_OPEN = _NO_FCNTL + textwrap.dedent(
    """
    from openai_uploads.emulator import DataDirInUse, Store

    try:
        store = Store(sys.argv[1])
    except DataDirInUse as exc:
        print("refused:", exc)
    else:
        print("opened, portable:", store._dir_lock.portable)
        store.close()
    """
)


def _open_store(data_dir: Path) -> str:
    result = subprocess.run(
        [sys.executable, "-c", _OPEN, str(data_dir)],
        capture_output=True,
        text=True,
        timeout=60,
        check=True,
    )
    return result.stdout.strip()


def test_without_fcntl_a_second_process_on_the_data_dir_is_refused_until_the_first_stops(
    tmp_path: Path,
) -> None:
    data_dir = tmp_path / "d"
    with subprocess.Popen(
        [sys.executable, "-c", _SERVE, str(data_dir), API_KEY],
        stdin=subprocess.PIPE,
        stdout=subprocess.PIPE,
        text=True,
    ) as first:
        assert first.stdin is not None
        assert first.stdout is not None
        try:
            pid, base_url = first.stdout.readline().split()
            refused = _open_store(data_dir)
            assert refused.startswith("refused:")
            assert f"in use by another emulator (pid {pid})" in refused
            # the first one goes on serving
            response = httpx.get(
                f"{base_url}/files/file-x", headers={"Authorization": f"Bearer {API_KEY}"}
            )
            assert response.status_code == 404
        finally:
            first.stdin.write("\n")
            first.stdin.close()
            first.wait(60)
    assert first.returncode == 0
    assert _open_store(data_dir) == "opened, portable: True"


def test_without_fcntl_a_second_store_in_the_same_process_is_refused(tmp_path: Path) -> None:
    script = _NO_FCNTL + textwrap.dedent(
        """
        import os
        from openai_uploads.emulator import DataDirInUse, Store

        first = Store(sys.argv[1])
        try:
            Store(sys.argv[1])
        except DataDirInUse as exc:
            assert f"pid {os.getpid()}" in str(exc), exc
            print("refused")
        first.close()
        Store(sys.argv[1]).close()
        print("reopened")
        """
    )
    result = subprocess.run(
        [sys.executable, "-c", script, str(tmp_path / "d")],
        capture_output=True,
        text=True,
        timeout=60,
    )
    assert result.returncode == 0, result.stderr
    assert result.stdout.split() == ["refused", "reopened"]
