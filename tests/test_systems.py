"""The shipped systems: `jixiao systems`, `jixiao:NAME` wherever a spec or facts file is named,
and a wheel that carries them and every compiled message catalogue (the README's first command
from an installed wheel, in an empty folder)."""

from __future__ import annotations

import json
import os
import shutil
import subprocess
import sys
import sysconfig
import time
import venv
import zipfile
from collections.abc import Callable
from pathlib import Path

import pytest
from conftest import Run

from scoring import i18n
from scoring.engine.facts import load_facts
from scoring.errors import FactsError, SpecError
from scoring.spec.loader import load_spec
from scoring.yamlio.shipped import HOME, names, resolve
from scoring.yamlio.textfile import PathRefused, path_named_by_spec

ROOT = Path(__file__).resolve().parent.parent
Jixiao = Callable[..., Run]


def test_a_checkout_reads_the_systems_where_they_are() -> None:
    assert str(ROOT) == HOME
    assert resolve("jixiao:xinfang_weiwen") == str(ROOT / "indicators" / "xinfang_weiwen.yaml")
    assert resolve("jixiao:self_evaluation_hubei") == str(
        ROOT / "indicators" / "profiles" / "self_evaluation_hubei.yaml"
    )
    assert resolve("jixiao:profiles/self_evaluation_hubei.yaml") == resolve(
        "jixiao:self_evaluation_hubei"
    )
    assert resolve("jixiao:hengnan_xinfang_2021", "facts") == str(
        ROOT / "examples" / "hengnan_xinfang_2021.yaml"
    )
    # the project specs and their example facts share names: the kind decides
    assert resolve("jixiao:liangping_forestry_2023").endswith(
        "projects/liangping_forestry_2023.yaml"
    )
    assert resolve("jixiao:liangping_forestry_2023", "facts").endswith(
        "examples/liangping_forestry_2023.yaml"
    )


def test_every_shipped_spec_has_a_name_and_no_cases_file_is_listed() -> None:
    on_disk = {
        "jixiao:" + p.name.removesuffix(".yaml")
        for p in (ROOT / "indicators").rglob("*.yaml")
        if not p.name.endswith(".cases.yaml")
    }
    assert set(names("spec")) == on_disk
    assert names("facts") == [
        "jixiao:" + p.stem for p in sorted((ROOT / "examples").glob("*.yaml"))
    ]


@pytest.mark.parametrize(
    "name", ["jixiao:../../etc/passwd", "jixiao:/etc/passwd", "jixiao:", "jixiao:a\\b", "jixiao:.."]
)
def test_a_name_never_leaves_the_shipped_folders(name: str) -> None:
    with pytest.raises(PathRefused) as caught:
        path_named_by_spec(name, str(ROOT / "tests"))
    assert str(caught.value).startswith("no file shipped with jixiao has that name")


def test_a_spec_anywhere_extends_a_shipped_system_by_name(tmp_path: Path) -> None:
    profile = tmp_path / "hubei_county.yaml"
    profile.write_text(
        "extends: jixiao:self_evaluation_hubei\nid: county\nname: 县级\nversion: '1'\n"
        "grades: {优: 85, 良: 75, 中: 60, 差: 0}\n",
        encoding="utf-8",
    )
    spec = load_spec(profile)
    assert spec.id == "county"
    assert [source.id for source in spec.sources] == [
        "self_evaluation",
        "self_evaluation_hubei",
        "county",
    ]


def test_an_unknown_name_is_located_where_it_is_written(tmp_path: Path) -> None:
    profile = tmp_path / "p.yaml"
    profile.write_text("extends: jixiao:self_evaluaton\nid: p\nname: p\nversion: '1'\n")
    with pytest.raises(SpecError) as caught:
        load_spec(profile)
    assert str(caught.value) == (
        f"{profile}:1:10: extends: no system shipped with jixiao has that name; did you mean"
        " 'jixiao:self_evaluation'? (`jixiao systems` lists them) [overlay-extends]"
    )
    with pytest.raises(SpecError) as caught:
        load_spec("jixiao:xinfang")
    assert str(caught.value) == (
        "jixiao:xinfang: no system shipped with jixiao has that name; did you mean"
        " 'jixiao:xinfang_weiwen'? (`jixiao systems` lists them) [file-unreadable]"
    )
    with pytest.raises(FactsError) as refused:
        load_facts("jixiao:hengnan")
    assert str(refused.value) == (
        "jixiao:hengnan: no example facts file shipped with jixiao has that name; did you mean"
        " 'jixiao:hengnan_xinfang_2021'? (`jixiao systems` lists them) [file-unreadable]"
    )


def test_score_takes_shipped_names(jixiao: Jixiao) -> None:
    by_name = jixiao("score", "jixiao:xinfang_weiwen", "jixiao:hengnan_xinfang_2021")
    by_path = jixiao(
        "score", "indicators/xinfang_weiwen.yaml", "examples/hengnan_xinfang_2021.yaml"
    )
    assert by_name.code == 0
    assert by_name.out == by_path.out
    assert "自评得分 95.85　自评等级 优" in by_name.out


def test_test_runs_the_cases_of_a_shipped_name(jixiao: Jixiao) -> None:
    run = jixiao("test", "jixiao:self_evaluation_hubei")
    assert run.code == 0, run.err
    assert run.out.startswith(
        f"{ROOT / 'indicators' / 'profiles' / 'self_evaluation_hubei.yaml'}: 6 cases, 6 passed;"
    )
    unknown = jixiao("test", "jixiao:nope")
    assert unknown.code == 1
    assert unknown.err == (
        "jixiao:nope: no system shipped with jixiao has that name (`jixiao systems` lists them)"
        " [file-unreadable]\n"
    )


def test_systems_lists_name_id_version_basis_and_base(jixiao: Jixiao) -> None:
    run = jixiao("systems", "--format", "json")
    assert run.code == 0
    listed = json.loads(run.out)
    by_name = {item["name"]: item for item in listed["systems"]}
    assert set(by_name) == set(names("spec"))
    assert by_name["jixiao:xinfang_weiwen"] == {
        "name": "jixiao:xinfang_weiwen",
        "id": "xinfang_weiwen",
        "title": "信访维稳经费项目支出绩效评价指标体系",
        "version": "2021.1",
        "basis": [
            "财预〔2020〕10号《项目支出绩效评价管理办法》",
            "财预〔2021〕101号 核心绩效指标指引",
        ],
        "extends": None,
        "file": "indicators/xinfang_weiwen.yaml",
    }
    hubei = by_name["jixiao:self_evaluation_hubei"]
    assert hubei["extends"] == "jixiao:self_evaluation"
    assert hubei["basis"] == by_name["jixiao:self_evaluation"]["basis"]  # from its base
    assert {"name": "jixiao:hengnan_xinfang_2021", "project": "信访维稳经费", "year": "2021",
            "file": "examples/hengnan_xinfang_2021.yaml"} in listed["examples"]  # fmt: skip
    text = jixiao("--lang", "zh", "systems")
    assert text.code == 0
    assert (
        "jixiao:self_evaluation_hubei　项目支出绩效自评表（湖北：预算执行率 20 分）"
        "　版本 2024.1-hubei，基于 jixiao:self_evaluation\n"
        "    依据：财预〔2020〕10号《项目支出绩效评价管理办法》附件1 项目支出绩效自评表；"
        "财预〔2021〕101号 核心绩效指标指引\n"
    ) in text.out
    assert "jixiao:hengnan_xinfang_2021　信访维稳经费（2021）\n" in text.out


def test_pyproject_installs_every_package_and_the_shipped_files() -> None:
    tomllib = pytest.importorskip("tomllib", reason="Python 3.11+ reads pyproject.toml")
    config = tomllib.loads((ROOT / "pyproject.toml").read_text(encoding="utf-8"))
    setuptools = config["tool"]["setuptools"]
    code = {
        ".".join(p.parent.relative_to(ROOT).parts) for p in (ROOT / "scoring").rglob("__init__.py")
    }
    assert code <= set(setuptools["packages"])
    assert setuptools["package-dir"] == {
        "scoring.indicators": "indicators",
        "scoring.examples": "examples",
    }


# ---- the wheel ------------------------------------------------------------------------------
_SOURCES = ("pyproject.toml", "README.md", "scoring", "indicators", "examples")


def _build_wheel(source: Path, dist: Path) -> Path:
    """A wheel of the checkout, built from a copy (an in-tree build/ would keep stale modules).
    Offline with the environment's setuptools when it can build wheels, by calling its PEP 517
    hook as `pip wheel --no-build-isolation` does (without pip's start-up, half the time);
    else pip's isolated build, which fetches setuptools from the index. Skips when neither
    works."""
    source.mkdir()
    for name in _SOURCES:
        where = ROOT / name
        if where.is_dir():
            shutil.copytree(where, source / name, ignore=shutil.ignore_patterns("__pycache__"))
        else:
            shutil.copy2(where, source / name)
    hook = "import sys, setuptools.build_meta as backend; backend.build_wheel(sys.argv[1])"
    builds = {
        "setuptools.build_meta": [sys.executable, "-c", hook, str(dist)],
        "pip wheel": [sys.executable, "-m", "pip", "wheel", str(source), "-w", str(dist),
                      "--no-deps", "-q"],
    }  # fmt: skip
    reasons = []
    for how, command in builds.items():
        done = subprocess.run(
            command, cwd=source, capture_output=True, text=True, check=False, timeout=300
        )
        wheels = sorted(dist.glob("jixiao-*.whl"))
        if done.returncode == 0 and wheels:
            return wheels[0]
        reasons.append(how + ": " + (done.stderr.strip().splitlines() or ["?"])[-1])
    pytest.skip("cannot build a wheel here: " + "; ".join(reasons))


def test_the_readme_first_command_runs_from_an_installed_wheel(tmp_path: Path) -> None:
    """pip install jixiao-*.whl into a fresh venv, then score with shipped names in an empty
    folder. The venv borrows this environment's dependencies (a .pth file, added after pip has
    installed the wheel, so that pip sees none of them): no network is needed to install."""
    started = time.monotonic()
    wheel = _build_wheel(tmp_path / "src", tmp_path / "dist")
    # Chinese is the default: a wheel without every compiled catalogue (.mo) would fail at the
    # first message of that domain. (Checked here, not in test_i18n: one wheel built, not two.)
    with zipfile.ZipFile(wheel) as archive:
        shipped = {name for name in archive.namelist() if name.startswith("scoring/locale/")}
    assert shipped == {f"scoring/locale/zh_CN/LC_MESSAGES/{domain}.mo" for domain in i18n.DOMAINS}
    env_dir = tmp_path / "venv"
    venv.create(env_dir, with_pip=False)
    python = env_dir / ("Scripts/python.exe" if os.name == "nt" else "bin/python")
    install = subprocess.run(
        [sys.executable, "-m", "pip", "--python", str(python), "install", "--no-deps", "-q",
         str(wheel)],
        capture_output=True, text=True, check=False, timeout=300,
    )  # fmt: skip
    assert install.returncode == 0, install.stderr
    purelib = subprocess.run(
        [str(python), "-c", "import sysconfig; print(sysconfig.get_path('purelib'))"],
        capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    borrowed = {sysconfig.get_path("purelib"), sysconfig.get_path("platlib")}
    Path(purelib, "jixiao_test_deps.pth").write_text("\n".join(sorted(borrowed)) + "\n")
    empty = tmp_path / "empty"
    empty.mkdir()
    environ = {k: v for k, v in os.environ.items() if k not in ("PYTHONPATH", "PYTHONHOME")}

    def jixiao(*argv: str) -> subprocess.CompletedProcess[str]:
        return subprocess.run(
            [str(python), "-m", "scoring", *argv],
            cwd=empty, env=environ, capture_output=True, text=True, encoding="utf-8",
            check=False, timeout=120,
        )  # fmt: skip

    scored = jixiao("score", "jixiao:xinfang_weiwen", "jixiao:hengnan_xinfang_2021")
    assert scored.returncode == 0, scored.stderr
    assert "总分 100　自评得分 95.85　自评等级 优" in scored.stdout
    assert "[items-mismatch]" in scored.stdout
    listed = jixiao("systems", "--format", "json")
    assert listed.returncode == 0, listed.stderr
    files = [item["file"] for item in json.loads(listed.stdout)["systems"]]
    assert "indicators/profiles/self_evaluation_hubei.yaml" in files
    # the systems were read from the installed package, not from this checkout
    located = subprocess.run(
        [str(python), "-c", "import scoring.yamlio.shipped as s; print(s.HOME)"],
        cwd=empty, env=environ, capture_output=True, text=True, check=True,
    ).stdout.strip()  # fmt: skip
    assert Path(located) == Path(purelib, "scoring")
    # a profile written in the empty folder extends a shipped system; its cases run
    (empty / "county.yaml").write_text(
        "extends: jixiao:self_evaluation_hubei\nid: county\nname: 县级\nversion: '1'\n",
        encoding="utf-8",
    )
    assert jixiao("validate", "county.yaml").returncode == 0
    tested = jixiao("test", str(Path(located, "indicators")))
    assert tested.returncode == 0, tested.stdout + tested.stderr
    assert list(empty.iterdir()) == [empty / "county.yaml"]  # nothing else was written here
    print(f"wheel built, installed and run in {time.monotonic() - started:.1f} s")
