# The Django notification endpoint under load (issue #23 item 5): vpos next to a plain view.
#
# bench-django: a bench-only venv (target/bench/django-venv; bench/django/requirements.txt:
# Django, psycopg, gunicorn, python-redsys 2.1.0) with the hostedpay wheel built from this tree;
# bench/django/run.py serves the vpos Redsys endpoint and a plain python-redsys view on the
# same tables from one gunicorn (4 workers, 127.0.0.1, a free port) on PostgreSQL, posts
# signed notifications plus duplicates from 16 client threads (at most 60 s a round, vpos and
# plain rounds alternating), checks exactly-once in the database and writes
# target/bench/django.json (notifications/s, p50/p99, statements per notification, the ratio).
# The database: BENCH_DJANGO_DATABASE_URL, else the default below (never DATABASE_URL: the bench
# empties its vpos tables, so it gets a database of its own); it is created when missing. See
# docs/performance.md.

BENCH_DJANGO_VENV := target/bench/django-venv
BENCH_DJANGO_WHEEL := target/bench/django-wheel
BENCH_DJANGO_DATABASE_URL ?= postgres://postgres@127.0.0.1:5432/vpos_bench

.PHONY: bench-django

# Re-created whenever the pins change.
$(BENCH_DJANGO_VENV)/.installed: bench/django/requirements.txt
	rm -rf $(BENCH_DJANGO_VENV)
	$(PYTHON3) -m venv $(BENCH_DJANGO_VENV)
	$(BENCH_DJANGO_VENV)/bin/pip install -q -r bench/django/requirements.txt
	touch $@

bench-django: python-venv $(BENCH_DJANGO_VENV)/.installed
	rm -rf $(BENCH_DJANGO_WHEEL)
	cd $(PY_DIR) && .venv/bin/maturin build --release --locked --out $(abspath $(BENCH_DJANGO_WHEEL))
	$(BENCH_DJANGO_VENV)/bin/pip install -q --force-reinstall --no-deps $(BENCH_DJANGO_WHEEL)/hostedpay-*.whl
	DATABASE_URL=$(BENCH_DJANGO_DATABASE_URL) $(BENCH_DJANGO_VENV)/bin/python bench/django/run.py \
	  --out target/bench/django.json
