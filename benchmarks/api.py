"""The open-data API against Datasette on the same ~1 M séances, in one run on loopback.

Builds the demo programme into a Lanterne SQLite database and the same rows, denormalized, into a
Datasette database (Datasette installed by this script into its own virtualenv, facet suggestions off),
serves them — Lanterne twice: as deployed, keeping JSON pages a minute (`publish.answers`), and
computing every page — loads them with `wrk` (apt-get install wrk) at 1 and 16 concurrent clients on five
queries, then times 1 M-row CSV and XLSX exports and the server's peak memory. Unfiltered exports are
answered from the files the nightly job writes after each sync (their build time is printed apart);
`--live-export` also times the whole CSV written during the request; `--postgres URL` also serves the
programme from PostgreSQL, production's database (loaded there once), computing every page.

    .venv/bin/python benchmarks/api.py [--cinemas 2000 --films 8000 --days 28 --duration 8]
        [--postgres postgresql://postgres@127.0.0.1:5432/bench]
"""

from __future__ import annotations

import argparse
import contextlib
import os
import re
import shutil
import sqlite3
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from datetime import UTC, date, datetime, timedelta
from pathlib import Path

import httpx
from sqlalchemy import Engine, func, select, update

from lanterne.catalog.identity import fold
from lanterne.catalog.models import Cinema, Film, Showtime
from lanterne.db import make_engine
from lanterne.demo import build
from lanterne.migrations import upgrade
from lanterne.publish.datasets import DATASETS
from lanterne.publish.exports import build_dataset, cached_export, export_dir
from lanterne.publish.lines import stream_rows
from lanterne.publish.query import parse_lines
from lanterne.runtime import Runtime
from lanterne.settings import Settings
from lanterne.stand_ins.server import free_port

ROOT = Path(__file__).resolve().parent.parent
PYTHON = Path(sys.executable)
LINES = "/data-fair/api/v1/datasets/programmation-cinemas/lines"
TABLE = "/bench/showtimes.json"
DATASETTE = "datasette>=0.65,<0.66"
QUERIES = ("cinema week", "department day", "full-text search", "page 1 by start", "cursor pages")


def arguments() -> argparse.Namespace:
    parser = argparse.ArgumentParser(
        description=__doc__, formatter_class=argparse.RawDescriptionHelpFormatter
    )
    parser.add_argument("--cinemas", type=int, default=2000)
    parser.add_argument("--films", type=int, default=8000)
    parser.add_argument("--days", type=int, default=28)
    parser.add_argument("--duration", type=int, default=8, help="seconds of load per measurement")
    parser.add_argument("--workers", type=int, default=2, help="Lanterne's uvicorn worker processes")
    parser.add_argument("--skip-xlsx", action="store_true", help="skip the (slow) 1 M-row XLSX export")
    parser.add_argument(
        "--keep", type=Path, help="work in this directory and keep it (reuses built databases)"
    )
    parser.add_argument(
        "--live-export", action="store_true", help="also time the whole CSV streamed live (minutes)"
    )
    parser.add_argument(
        "--postgres",
        metavar="URL",
        help="also serve the same programme from this PostgreSQL database (built there when empty), "
        "computing every page: production's database, beside the embedded one",
    )
    return parser.parse_args()


def build_lanterne(path: Path, args: argparse.Namespace) -> Engine:
    engine = make_engine(f"sqlite:///{path}")
    if path.exists() and path.stat().st_size > 1_000_000:
        upgrade(engine)  # a kept database gets the indexes added since it was built
        analyze(engine)
        return engine
    upgrade(engine)
    started = time.perf_counter()
    summary = build(engine, seed=7, cinemas=args.cinemas, films=args.films, days=args.days)
    with engine.begin() as connection:  # every demo cinema publishes, so the dataset is the whole programme
        connection.execute(update(Cinema).values(publish_consent=True))
    analyze(engine)
    print(f"Lanterne: {summary.showtimes:,} séances, {summary.cinemas:,} cinemas, {summary.films:,} films "
          f"loaded in {time.perf_counter() - started:.0f} s")  # fmt: skip
    return engine


def build_postgres(url: str, args: argparse.Namespace) -> Engine:
    """The same demo programme (same seed) in PostgreSQL; a database that holds séances is reused."""
    engine = make_engine(url)
    upgrade(engine)
    with engine.connect() as connection:
        loaded = connection.execute(select(func.count()).select_from(Showtime)).scalar_one()
    if not loaded:
        started = time.perf_counter()
        build(engine, seed=7, cinemas=args.cinemas, films=args.films, days=args.days)
        with engine.begin() as connection:
            connection.execute(update(Cinema).values(publish_consent=True))
        print(f"PostgreSQL: loaded in {time.perf_counter() - started:.0f} s")
    analyze(engine)
    return engine


def analyze(engine: Engine) -> None:
    """Table statistics, as an operator keeps them after each nightly sync: without them SQLite may walk
    a million séances in key order to find the few a search matches."""
    with engine.begin() as connection:
        connection.exec_driver_sql("ANALYZE")


def _cell(value: object) -> object:
    if isinstance(value, datetime):
        return value.astimezone(UTC).strftime("%Y-%m-%dT%H:%M:%S")
    return value


def build_datasette_db(path: Path, engine: Engine) -> None:
    """The same published rows in one wide table, with the indexes and FTS Datasette would be given."""
    if path.exists():
        return
    dataset = DATASETS["programmation-cinemas"]
    names = [c.name.replace("_coords.", "") for c in dataset.columns]
    db = sqlite3.connect(path)
    columns = ", ".join(f'"{n}"' + (" INTEGER PRIMARY KEY" if n == "showid" else "") for n in names)
    db.execute(f"CREATE TABLE showtimes ({columns})")
    insert = f"INSERT INTO showtimes VALUES ({', '.join('?' * len(names))})"
    rows = stream_rows(engine, parse_lines(dataset, {"sort": "showid"}))
    batch: list[tuple[object, ...]] = []
    for row in rows:
        batch.append(tuple(_cell(value) for value in row))
        if len(batch) == 10_000:
            db.executemany(insert, batch)
            batch = []
    db.executemany(insert, batch)
    for index in ("cineid, showstart", "showstart", "cinedepartement, showstart"):
        db.execute(f"CREATE INDEX ix_{index.replace(', ', '_')} ON showtimes ({index})")
    fts = "fts5(filmtitle, content='showtimes', content_rowid='showid')"
    db.execute(f"CREATE VIRTUAL TABLE showtimes_fts USING {fts}")
    db.execute("INSERT INTO showtimes_fts(showtimes_fts) VALUES ('rebuild')")
    db.commit()
    db.close()


def install_datasette(venv: Path) -> Path:
    """Datasette in its own virtualenv, so its dependencies never meet Lanterne's."""
    binary = venv / "bin" / "datasette"
    if not binary.exists():
        subprocess.run([sys.executable, "-m", "venv", str(venv)], check=True)
        pip = [str(venv / "bin" / "pip"), "install", "-q", "--disable-pip-version-check", DATASETTE]
        subprocess.run(pip, check=True, stderr=subprocess.DEVNULL)
    return binary


def wait_until_up(url: str, process: subprocess.Popen[bytes]) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"server exited with {process.returncode}")
        with contextlib.suppress(httpx.HTTPError):
            if httpx.get(url, timeout=2).status_code < 500:
                return
        time.sleep(0.2)
    raise RuntimeError(f"{url} did not answer")


@contextlib.contextmanager
def serving(
    command: list[str], probe: str, env: dict[str, str] | None = None
) -> Iterator[subprocess.Popen[bytes]]:
    process = subprocess.Popen(command, env={**os.environ, **(env or {})}, stdout=subprocess.DEVNULL)
    try:
        wait_until_up(probe, process)
        yield process
    finally:
        process.terminate()
        process.wait(20)


def lanterne_command(
    db: Path, port: int, workers: int, kept_pages: bool = True, url: str | None = None
) -> tuple[list[str], dict[str, str]]:
    """Lanterne under uvicorn as deployed: its exports directory beside the database; without
    `kept_pages` every page is computed (the answer cache off); `url`: another database than `db`."""
    command = [str(PYTHON.parent / "uvicorn"), "lanterne.app:create_app", "--factory", "--host", "127.0.0.1"]
    command += ["--port", str(port), "--workers", str(workers), "--no-access-log", "--log-level", "warning"]
    env = {
        "LANTERNE_DATABASE_URL": url or f"sqlite:///{db}",
        "LANTERNE_SCHEDULER": "false",
        "LANTERNE_BASE_URL": f"http://127.0.0.1:{port}",
        "LANTERNE_REDIS_URL": os.environ.get("LANTERNE_BENCH_REDIS_URL", "redis://127.0.0.1:6379/15"),
        "LANTERNE_RATE_LIMIT_ANONYMOUS": "1000000000",  # counted (in Redis) as in production, never refused
        "LANTERNE_EXPORTS_DIR": str(db.parent / "exports"),
    }
    if not kept_pages:
        env["LANTERNE_ANSWER_CACHE_MB"] = "0"
    return command, env


def datasette_command(binary: Path, db: Path, port: int) -> list[str]:
    settings = ["--setting", "suggest_facets", "off", "--setting", "default_page_size", "100"]
    return [str(binary), "serve", "-h", "127.0.0.1", "-p", str(port), "--immutable", str(db), *settings]


def query_values(engine: Engine) -> tuple[list[int], list[str], list[str], date]:
    """Cinemas, departments and title words the queries rotate over (busiest first), and the first day."""
    with engine.connect() as connection:
        first = connection.execute(select(func.min(Showtime.starts_at))).scalar_one()
        cinemas = connection.execute(select(Cinema.id).order_by(Cinema.id).limit(50)).scalars().all()
        busiest = (
            select(Cinema.department).group_by(Cinema.department).order_by(func.count().desc()).limit(10)
        )
        departments = connection.execute(busiest).scalars().all()
        titles = connection.execute(select(Film.title)).scalars().all()
    return list(cinemas), [d for d in departments if d], title_words(titles), first.date()


def title_words(titles: list[str]) -> list[str]:
    """The twenty rarest title words (of five letters or more), as a reuser looking for a film types them."""
    seen: dict[str, int] = {}
    for title in titles:
        for word in set(fold(title).split()):
            seen[word] = seen.get(word, 0) + 1
    rarest = sorted((n, word) for word, n in seen.items() if len(word) >= 5)
    return [word for _, word in rarest[:20]]


def iso(day: date, days: int = 0) -> str:
    return (datetime.combine(day, datetime.min.time()) + timedelta(days=days)).strftime("%Y-%m-%dT%H:%M:%S")


def lanterne_paths(engine: Engine, base: str) -> dict[str, list[str]]:
    cinemas, departments, words, day = query_values(engine)
    week = f"showstart_gte={iso(day, 1)}Z&showstart_lt={iso(day, 8)}Z"
    daytime = f"date_match={day + timedelta(days=2)}"
    paths = {
        QUERIES[0]: [f"{LINES}?cineid_eq={c}&{week}&sort=showstart&size=100" for c in cinemas],
        QUERIES[1]: [
            f"{LINES}?cinedepartement_eq={d}&{daytime}&size=100&sort=showstart" for d in departments
        ],
        QUERIES[2]: [f"{LINES}?q={w}&size=20" for w in words],
        QUERIES[3]: [f"{LINES}?sort=showstart&size=100"],
    }
    paths[QUERIES[4]] = walk(base, f"{LINES}?sort=showstart&size=100", lambda r: r.json().get("next"))
    return paths


def datasette_paths(engine: Engine, base: str) -> dict[str, list[str]]:
    cinemas, departments, words, day = query_values(engine)
    week = f"showstart__gte={iso(day, 1)}&showstart__lt={iso(day, 8)}"
    daytime = f"showstart__gte={iso(day, 2)}&showstart__lt={iso(day, 3)}"
    shape = "_shape=array"
    paths = {
        QUERIES[0]: [f"{TABLE}?cineid={c}&{week}&_sort=showstart&_size=100&{shape}" for c in cinemas],
        QUERIES[1]: [
            f"{TABLE}?cinedepartement={d}&{daytime}&_sort=showstart&_size=100&{shape}" for d in departments
        ],
        QUERIES[2]: [f"{TABLE}?_search={w}&_size=20&{shape}" for w in words],
        QUERIES[3]: [f"{TABLE}?_sort=showstart&_size=100&{shape}"],
    }
    pages = walk(base, f"{TABLE}?_sort=showstart&_size=100", lambda r: r.json().get("next_url"))
    paths[QUERIES[4]] = [f"{page}&{shape}" for page in pages]
    return paths


def walk(base: str, first: str, following: object) -> list[str]:
    """The 50 page URLs of a cursor walk (path and query only), found by following each `next`."""
    pages, url = [first], base + first
    while len(pages) < 50:
        found = following(httpx.get(url, timeout=30))  # type: ignore[operator]
        if not found:
            break
        pages.append(re.sub(r"^https?://[^/]+", "", found))
        url = base + pages[-1]
    return pages


LUA = """
paths = {%s}
counter = 0
request = function()
  counter = counter %% #paths + 1
  return wrk.format("GET", paths[counter])
end
"""


def _ms(output: str, percentile: str) -> float:
    found = re.search(rf"{percentile}%\s+([\d.]+)(us|ms|s|m|h)", output)
    if not found:
        return float("nan")
    return float(found.group(1)) * {"us": 0.001, "ms": 1.0, "s": 1e3, "m": 6e4, "h": 3.6e6}[found.group(2)]


def tree_cpu_seconds(pid: int) -> float:
    """CPU time of a server and its worker processes: a load-independent cost per request, for machines
    where other work steals the cores (requests/s then measure the neighbours as much as the server)."""
    total, family = 0.0, {pid}
    for stat in sorted(Path("/proc").glob("[0-9]*/stat"), key=lambda path: int(path.parent.name)):
        with contextlib.suppress(OSError):
            fields = stat.read_text().rsplit(")", 1)[1].split()
            if int(fields[1]) in family or int(stat.parent.name) == pid:
                family.add(int(stat.parent.name))
                total += (int(fields[11]) + int(fields[12])) / os.sysconf("SC_CLK_TCK")
    return total


def load(base: str, paths: list[str], clients: int, seconds: int, work: Path, pid: int = 0) -> list[float]:
    """[requests/s, p50 ms, p99 ms, server CPU ms per request] from wrk, rotating over `paths`."""
    cpu = tree_cpu_seconds(pid) if pid else 0.0
    script = work / "paths.lua"
    script.write_text(LUA % ", ".join(f'"{p}"' for p in paths))
    threads = str(min(clients, 2))
    command = [
        "wrk",
        "-t",
        threads,
        "-c",
        str(clients),
        "-d",
        f"{seconds}s",
        "--latency",
        "-s",
        str(script),
        base,
    ]
    output = subprocess.run(command, capture_output=True, text=True, check=True).stdout
    if "Non-2xx" in output:
        print(f"  ! errors in {paths[0][:80]}…: {re.search(r'Non-2xx.*', output).group(0)}")  # type: ignore[union-attr]
    found = re.search(r"Requests/sec:\s+([\d.]+)", output)
    rate = float(found.group(1)) if found else 0.0
    done = re.search(r"(\d+) requests in", output)
    used = (tree_cpu_seconds(pid) - cpu) * 1000 / max(int(done.group(1)) if done else 0, 1) if pid else 0.0
    return [rate, _ms(output, "50"), _ms(output, "99"), used]


def compare(lanterne: list[tuple[str, str, int]], datasette: tuple[str, int], engine: Engine,
            args: argparse.Namespace, work: Path) -> None:  # fmt: skip
    """Each query against every Lanterne server (as deployed, keeping pages a minute; computing every
    page; on PostgreSQL when asked) and Datasette; the ratios are to Datasette's requests/s."""
    ours, theirs = lanterne_paths(engine, lanterne[0][1]), datasette_paths(engine, datasette[0])
    servers = [(base, ours, pid) for _, base, pid in lanterne] + [(datasette[0], theirs, datasette[1])]
    head = f"{'req/s':>6} {'p50':>7} {'p99':>7} {'cpu/req':>7}"
    names = [name for name, _, _ in lanterne] + ["Datasette"]
    print(f"\n{'':<17} {'':>7} | " + " | ".join(f"{name:^30}" for name in names) + " | ratios")
    print(f"{'query':<17} {'clients':>7} | " + " | ".join([head] * len(names)) + " | "
          + " ".join(name.split()[-1].strip("()") for name, _, _ in lanterne))  # fmt: skip
    for name in QUERIES:
        for clients in (1, 16):
            for base, paths, _ in servers:
                load(base, paths[name], clients, 2, work)  # warm caches and connections
            figures = [
                load(base, paths[name], clients, args.duration, work, pid) for base, paths, pid in servers
            ]
            cells = " | ".join(f"{f[0]:>6,.0f} {f[1]:>5.1f}ms {f[2]:>5.1f}ms {f[3]:>5.2f}ms" for f in figures)
            ratios = " ".join(f"{f[0] / max(figures[-1][0], 1e-9):5.1f}×" for f in figures[:-1])
            print(f"{name:<17} {clients:>7} | {cells} | {ratios}")


def peak_rss_mb(pid: int) -> float:
    return _status_mb(pid, "VmHWM")


def _status_mb(pid: int, field: str) -> float:
    status = Path(f"/proc/{pid}/status").read_text()
    return int(re.search(rf"{field}:\s+(\d+)", status).group(1)) / 1024  # type: ignore[union-attr]


def build_files(db: Path, formats: tuple[str, ...]) -> None:
    """The whole-programme files the nightly job writes after a sync (`publish.exports`), timed."""
    settings = Settings(database_url=f"sqlite:///{db}", exports_dir=str(db.parent / "exports"))
    runtime = Runtime(settings)
    export_dir(runtime).mkdir(parents=True, exist_ok=True)
    for fmt in formats:
        if cached_export(runtime, "programmation-cinemas", fmt) is not None:
            print(f"{fmt.upper()} file of this data already built (kept directory)")
            continue
        started = time.perf_counter()
        build_dataset(runtime, DATASETS["programmation-cinemas"], only=(fmt,))
        print(f"{fmt.upper()} file built (nightly, after the sync): {time.perf_counter() - started:6.1f} s")
    runtime.close()


def export(base: str, pid: int, fmt: str, live: bool = False) -> None:
    """Time a whole-programme export streamed to /dev/null; the server's peak RSS before and after.
    `live` asks for it sorted by key (the same rows) so that it is written during the request."""
    before = peak_rss_mb(pid)
    started, size = time.perf_counter(), 0
    url = f"{base}/api/v1/datasets/programmation-cinemas/full?format={fmt}" + ("&sort=showid" if live else "")
    with httpx.stream("GET", url, timeout=3600) as response:
        response.raise_for_status()
        for chunk in response.iter_bytes():
            size += len(chunk)
    seconds = time.perf_counter() - started
    how = "streamed live" if live else "the nightly file"
    print(f"{fmt.upper()} export ({how}): {seconds:6.1f} s, {size / 1e6:7.1f} MB, "
          f"server peak RSS {before:.0f} MB before → {peak_rss_mb(pid):.0f} MB after "
          f"(now {_status_mb(pid, 'RssAnon'):.0f} MB its own memory, {_status_mb(pid, 'RssFile'):.0f} MB "
          "of files it maps: the database is read memory-mapped)")  # fmt: skip


def main() -> None:
    args = arguments()
    if not shutil.which("wrk"):
        sys.exit("wrk is needed: apt-get install -y wrk")
    work = args.keep or Path(tempfile.mkdtemp(prefix="lanterne-bench-"))
    work.mkdir(parents=True, exist_ok=True)
    engine = build_lanterne(work / "lanterne.db", args)
    build_datasette_db(work / "bench.db", engine)
    binary = install_datasette(work / "datasette-venv")
    db, dport = work / "lanterne.db", free_port()
    servers = [("Lanterne (pages kept)", lanterne_command(db, free_port(), args.workers))]
    servers.append(("Lanterne (computed)", lanterne_command(db, free_port(), args.workers, kept_pages=False)))
    if args.postgres:
        build_postgres(args.postgres, args)
        on_postgres = lanterne_command(db, free_port(), args.workers, kept_pages=False, url=args.postgres)
        servers.append(("Lanterne, PostgreSQL (pg)", on_postgres))
    datasette = f"http://127.0.0.1:{dport}"
    with contextlib.ExitStack() as stack:
        lanterne = []
        for name, (started, environment) in servers:
            base = f"http://127.0.0.1:{started[started.index('--port') + 1]}"
            lanterne.append(
                (name, base, stack.enter_context(serving(started, f"{base}/health", environment)).pid)
            )
        theirs = stack.enter_context(serving(datasette_command(binary, db.with_name("bench.db"), dport),
                                             f"{datasette}/bench"))  # fmt: skip
        compare(lanterne, (datasette, theirs.pid), engine, args, work)
    command, env = lanterne_command(work / "lanterne.db", free_port(), 1)
    single = f"http://127.0.0.1:{command[command.index('--port') + 1]}"
    print()
    formats = ("csv",) if args.skip_xlsx else ("csv", "xlsx")
    build_files(work / "lanterne.db", formats)
    with serving(command, f"{single}/health", env) as process:
        for fmt in formats:
            export(single, process.pid, fmt)
        if args.live_export:
            export(single, process.pid, "csv", live=True)
    if not args.keep:
        shutil.rmtree(work, ignore_errors=True)


if __name__ == "__main__":
    main()
