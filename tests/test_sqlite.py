"""SQLite, as `make run` has it: saves made at the same moment wait their turn instead of failing."""

import os
import subprocess
import sys
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]

# Six transactions at once, each reading and then writing (as a form's save does): without a write
# lock taken at BEGIN, all but one fail "database is locked" when they turn from reading to writing.
SAVES_AT_ONCE = """
import threading, time
from django.db import connections, transaction

with connections["default"].cursor() as cursor:
    cursor.execute("CREATE TABLE saves (n integer)")
errors = []

def save(n):
    try:
        with transaction.atomic(), connections["default"].cursor() as cursor:
            cursor.execute("SELECT count(*) FROM saves")
            time.sleep(0.1)
            cursor.execute("INSERT INTO saves VALUES (%s)", [n])
    except Exception as error:
        errors.append(repr(error))
    finally:
        connections.close_all()

threads = [threading.Thread(target=save, args=(n,)) for n in range(6)]
for thread in threads:
    thread.start()
for thread in threads:
    thread.join()
with connections["default"].cursor() as cursor:
    cursor.execute("SELECT count(*) FROM saves")
    print(cursor.fetchone()[0], errors)
"""


def test_saves_at_the_same_moment_wait_their_turn_on_sqlite(tmp_path):
    environment = {key: value for key, value in os.environ.items() if key != "DJANGO_SETTINGS_MODULE"}
    environment.update(DEBUG="true", DATABASE_URL=f"sqlite:///{tmp_path / 'youthnet.sqlite3'}")
    result = subprocess.run(
        [sys.executable, "manage.py", "shell", "--no-imports", "-c", SAVES_AT_ONCE],
        cwd=ROOT, env=environment, capture_output=True, text=True, check=True, timeout=120,
    )  # fmt: skip
    assert result.stdout.strip().splitlines()[-1] == "6 []"
