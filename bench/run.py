"""`make bench`: the public pages under load, as ratios to the framework's floor, in one run.

Seeds PostgreSQL (DATABASE_URL) with `seed_demo --scale N`, serves the portal with gunicorn and the
production settings, and drives each page with wrk for a fixed time at 1 and at 8 connections: first
with the page cache off (every request renders), then with it on (each worker's memory, or Redis
when CACHE_URL is set). The baseline is /ping (a trivial view through the whole middleware stack
that asks the database nothing), measured again just before each page at 8 connections (the ratio
is to that one); a static file served by the app is the floor of the stack.
Prints a table and writes it as CSV to bench-results/. Also times a 10,000-row import against a
1,000-row one (not with --quick).
"""

import argparse
import csv
import json
import os
import re
import shutil
import signal
import subprocess
import sys
import time
import urllib.request
from datetime import datetime
from pathlib import Path

ROOT = Path(__file__).resolve().parent.parent
PYTHON = sys.executable
PORT = 8123
HOST = f"http://127.0.0.1:{PORT}"
BASELINE = "/ping"
# As a browser behind the TLS proxy asks: HTTPS, and compressed responses welcome.
HEADERS = ["-H", "X-Forwarded-Proto: https", "-H", "Host: 127.0.0.1", "-H", "Accept-Encoding: gzip"]


def log(message):
    print(message, file=sys.stderr, flush=True)


def environment(database_url, cache_seconds):
    return {
        **os.environ,
        "DEBUG": "false",
        "SECRET_KEY": "bench-" + "k" * 60,
        "ALLOWED_HOSTS": "127.0.0.1",
        "DATABASE_URL": database_url,
        "CACHE_URL": os.environ.get("CACHE_URL", ""),
        "PAGE_CACHE_SECONDS": str(cache_seconds),
        "EMAIL_HOST": "localhost",
        "LOG_LEVEL": "WARNING",
        "AXES_FAILURE_LIMIT": "1000",
    }


def manage(env, *args, capture=False):
    return subprocess.run(
        [PYTHON, "manage.py", *args], cwd=ROOT, env=env, check=True, text=True, capture_output=capture
    )


def seed(env, scale):
    manage(env, "migrate", "--noinput", "-v0")
    manage(env, "load_areas", "-v0")
    counts = json.loads(manage(env, "bench_data", "--counts", capture=True).stdout)
    if counts.get("scale") != scale:
        log(f"Seeding scale {scale} (was {counts.get('scale')})...")
        manage(env, "bench_data", "--reset")
        manage(env, "seed_demo", "--scale", str(scale))
    manage(env, "bench_data", "--analyze")  # VACUUM ANALYZE, as autovacuum would give in time
    manage(env, "collectstatic", "--noinput", "-v0")


def start_server(env, workers):
    server = subprocess.Popen(
        [PYTHON, "-m", "gunicorn", "youthnet.wsgi", "--workers", str(workers), "--bind", f"127.0.0.1:{PORT}",
         "--access-logfile", "/dev/null", "--error-logfile", "-"],
        cwd=ROOT, env=env, start_new_session=True,
    )  # fmt: skip
    for _ in range(100):
        try:
            request = urllib.request.Request(HOST + BASELINE, headers={"X-Forwarded-Proto": "https"})
            urllib.request.urlopen(request, timeout=1)
            return server
        except OSError:
            time.sleep(0.2)
    server.kill()
    raise SystemExit("gunicorn did not start")


def stop_server(server):
    os.killpg(server.pid, signal.SIGTERM)
    server.wait(timeout=20)


def fetch(path, cookie=""):
    headers = {"X-Forwarded-Proto": "https", "Accept-Encoding": "gzip", "Cookie": cookie}
    with urllib.request.urlopen(urllib.request.Request(HOST + path, headers=headers), timeout=30) as response:
        body = response.read()
        if path.endswith(".geojson") and response.headers.get("Content-Encoding") != "gzip":
            raise SystemExit(f"{path}: {len(body)} bytes sent uncompressed to a client that accepts gzip")
        return response.status, len(body), response.headers.get("X-Page-Cache", "")


def seconds(text):
    match = re.fullmatch(r"([\d.]+)(us|ms|s|m)", text)
    if match is None:
        raise SystemExit(f"wrk printed a latency this script cannot read: {text!r}")
    value, unit = match.groups()
    return float(value) * {"us": 1e-6, "ms": 1e-3, "s": 1, "m": 60}[unit]


def wrk(path, connections, duration, cookie=""):
    threads = min(connections, 2)
    headers = [*HEADERS, "-H", f"Cookie: {cookie}"] if cookie else HEADERS
    output = subprocess.run(
        ["wrk", "-t", str(threads), "-c", str(connections), "-d", f"{duration}s", "--latency", *headers, HOST + path],
        check=True, capture_output=True, text=True,
    ).stdout  # fmt: skip
    rps = float(re.search(r"Requests/sec:\s+([\d.]+)", output).group(1))
    p50 = seconds(re.search(r"^\s+50%\s+(\S+)", output, re.M).group(1))
    p99 = seconds(re.search(r"^\s+99%\s+(\S+)", output, re.M).group(1))
    errors = re.search(r"Non-2xx or 3xx responses: (\d+)", output)
    if errors:
        raise SystemExit(f"{path}: {errors.group(1)} error responses under load")
    return rps, p50, p99


def pages(env):
    result = json.loads(manage(env, "bench_data", "--pages", capture=True).stdout)
    return result["pages"], result["queries"], result["cookie"]


def measure(env, label, paths, queries, duration, workers, cookie):
    server = start_server(env, workers)
    rows = []
    try:
        for name, path in paths:
            signed_in = cookie if name.endswith("signed in") else ""
            status, size, _cache_state = fetch(path, signed_in)
            # Warm every worker (each gets some of these): its caches, database connection, templates.
            for _ in range(4 * workers):
                _status, _size, cache_state = fetch(path, signed_in)
            one = wrk(path, 1, duration, signed_in)
            # The baseline again just before: this machine's speed drifts by 10% and more within a
            # run, and a ratio of two measurements minutes apart would carry that drift.
            baseline = wrk(BASELINE, 8, duration)[0] if path != BASELINE else None
            eight = wrk(path, 8, duration, signed_in)
            rows.append({
                "phase": label, "page": name, "path": path, "status": status, "bytes": size, "cache": cache_state,
                "queries_first": queries.get(name, [0, 0])[0], "queries_next": queries.get(name, [0, 0])[1],
                "rps_1": one[0], "p50_1_ms": one[1] * 1000, "p99_1_ms": one[2] * 1000,
                "rps_8": eight[0], "p50_8_ms": eight[1] * 1000, "p99_8_ms": eight[2] * 1000,
                "baseline_rps_8": baseline or eight[0],
            })  # fmt: skip
            log(f"  {label:8} {name:22} {eight[0]:8.0f} req/s at 8 connections")
    finally:
        stop_server(server)
    return rows


def import_timing(env):
    return json.loads(manage(env, "bench_data", "--import-timing", capture=True).stdout)


def main():
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--scale", type=int, default=int(os.environ.get("BENCH_SCALE", 20)))
    parser.add_argument("--seconds", type=int, default=int(os.environ.get("BENCH_SECONDS", 5)))
    parser.add_argument("--quick", action="store_true", help="2 s per measurement, no import timing")
    # One sync worker per core: the pages wait on nothing (the data is kept in memory), so more
    # workers than cores only take turns on the same CPUs, and every one of them slower. (The cores
    # this process may use, which in a container may be fewer than the host has.)
    parser.add_argument(
        "--workers", type=int, default=int(os.environ.get("BENCH_WORKERS", len(os.sched_getaffinity(0))))
    )
    options = parser.parse_args()
    if options.quick:
        options.seconds = 2
    database_url = os.environ.get("DATABASE_URL", "postgres://postgres@127.0.0.1:5432/youthnet_bench")
    if not database_url.startswith("postgres"):
        raise SystemExit("make bench runs on PostgreSQL: set DATABASE_URL=postgres://...")
    if not shutil.which("wrk"):
        raise SystemExit("wrk is missing (make bench installs it with apt-get)")
    subprocess.run(
        ["createdb", "-h", "127.0.0.1", "-U", "postgres", database_url.rsplit("/", 1)[1]], capture_output=True
    )

    uncached, cached = environment(database_url, 0), environment(database_url, 86400)
    seed(uncached, options.scale)
    paths, queries, cookie = pages(uncached)
    floors = [("baseline /ping", BASELINE), ("static file", paths.pop(0)[1])]
    rows = measure(uncached, "uncached", floors + paths, queries, options.seconds, options.workers, cookie)
    rows += measure(cached, "cached", [*paths, floors[0]], queries, options.seconds, options.workers, cookie)
    baseline = max((row for row in rows if row["path"] == BASELINE), key=lambda row: row["rps_1"])
    for row in rows:
        row["ratio_8"] = row["rps_8"] / row["baseline_rps_8"]
        row["ratio_1"] = row["rps_1"] / baseline["rps_1"]
    timing = None if options.quick else import_timing(uncached)
    report(rows, timing, options)


def verdicts(rows, timing):
    def line(target, value, met):
        return f"  {target:58} {value:38} {'met' if met else 'NOT MET'}"

    def lowest(rows):
        row = min(rows, key=lambda row: row["ratio_8"])
        return row["ratio_8"], f"lowest {row['ratio_8']:.2f} ({row['phase']} {row['page']})"

    served = [row for row in rows if row["phase"] == "cached" and row["cache"] == "hit"]
    # Every HTML page as rendered: with the page cache off, and those the cache never serves (a
    # search, a signed-in visitor). Data downloads (the GeoJSON) are exempt; they are sent compressed.
    rendered = [
        row for row in rows
        if row["path"] != BASELINE and row["page"] not in ("static file", "map GeoJSON") and row["cache"] != "hit"
    ]  # fmt: skip
    result = []
    ratio, text = lowest(served)
    result.append(line("every page served from the cache >= 0.8 of the baseline", text, ratio >= 0.8))
    ratio, text = lowest(rendered)
    result.append(line("every HTML page rendered >= 0.1 of the baseline", text, ratio >= 0.1))
    pages = [row for row in rows if row["page"] != "static file"]
    worst = max(pages, key=lambda row: row["p99_8_ms"] / row["p50_8_ms"])
    spread = worst["p99_8_ms"] / worst["p50_8_ms"]
    result.append(
        line(
            "p99 at 8 connections <= 3 x p50 at 8, every page",
            f"worst {spread:.1f}x ({worst['phase']} {worst['page']})",
            spread <= 3,
        )
    )
    if timing:
        growth = timing["seconds_10000"] / timing["seconds_1000"]
        result.append(line("10,000-row import <= 10 x a 1,000-row one", f"{growth:.1f}x", growth <= 10))
        for step in ("preview", "confirm"):
            seconds = timing[f"{step}_10000"]
            result.append(line(f"10,000-row import {step} within gunicorn's 30 s", f"{seconds:.1f} s", seconds <= 30))
    return result


def report(rows, timing, options):
    header = (f"{'phase':8} {'page':22} {'req/s@1':>8} {'p50@1':>7} {'p99@1':>7} {'req/s@8':>8} {'p50@8':>7} "
              f"{'p99@8':>7} {'ratio':>6} {'SQL':>7} {'bytes':>8}")  # fmt: skip
    cache = os.environ.get("CACHE_URL") or "each worker's memory"
    lines = [f"Scale {options.scale}, {options.workers} gunicorn workers, page cache in {cache}, {options.seconds} s per measurement; "
             "latencies in ms; ratio = req/s at 8 connections / the baseline's, measured just before; "
             "SQL = queries of the first request after a change to the data / of the next", header, "-" * len(header)]  # fmt: skip
    for row in rows:
        lines.append(
            f"{row['phase']:8} {row['page']:22} {row['rps_1']:8.0f} {row['p50_1_ms']:7.1f} {row['p99_1_ms']:7.1f} "
            f"{row['rps_8']:8.0f} {row['p50_8_ms']:7.1f} {row['p99_8_ms']:7.1f} {row['ratio_8']:6.2f} "
            f"{row['queries_first']:3d}/{row['queries_next']:<3d} {row['bytes']:8d}"
        )
    if timing:
        lines.append(
            f"Coordinator import (preview + confirm requests): 1,000 rows {timing['preview_1000']:.1f} + "
            f"{timing['confirm_1000']:.1f} s, 10,000 rows {timing['preview_10000']:.1f} + "
            f"{timing['confirm_10000']:.1f} s (× {timing['seconds_10000'] / timing['seconds_1000']:.1f})"
        )
    lines += ["", "Targets (issues 3 and 9):", *verdicts(rows, timing)]
    print("\n".join(lines))
    results = ROOT / "bench-results"
    results.mkdir(exist_ok=True)
    path = results / f"bench-{datetime.now():%Y%m%d-%H%M%S}.csv"
    with path.open("w", newline="") as handle:
        writer = csv.DictWriter(handle, fieldnames=list(rows[0]))
        writer.writeheader()
        writer.writerows(rows)
    print(f"CSV: {path.relative_to(ROOT)}")


if __name__ == "__main__":
    main()
