# Python package `hostedpay` and Django app `hostedpay.django` (bindings-python/).
#
# python-test: checks the import contracts of the source tree (import-linter,
# bindings-python/.importlinter: hostedpay.django layered settings -> models -> services -> views,
# admin, commands, so no import circle comes back), builds the abi3 wheel with maturin
# (pinned, from PyPI, in bindings-python/.venv with pytest, Django 5.2 and psycopg), installs that wheel (never the source tree) and runs
# the type checks, then pytest on SQLite, then on PostgreSQL when DATABASE_URL is set (.ci/run
# sets it). The type checks (mypy and django-stubs, pinned in requirements-dev.txt; config in
# bindings-python/pyproject.toml): stubtest holds the .pyi to the built wheel (names,
# signatures, classes; bindings-python/stubtest-allowlist.txt lists the commented exceptions),
# and mypy checks the package, hostedpay.django included. They run in .venv only (Django 5.2). Then a
# fresh venv gets the same wheel by `pip install`, imports it without Django, and runs the
# suite again on Django 4.2 LTS and SQLite. pytest's exit code is kept as is (5, "no tests",
# fails the build). The wheel and the fresh venv live in a temporary directory of their own,
# so two runs in one work tree cannot delete each other's files.

PY_DIR := bindings-python
PY_VENV := $(PY_DIR)/.venv
PYTHON3 ?= python3

TEST_SUITES += python-test
BENCH_SUITES += python-bench

.PHONY: python-venv python-wheel python-test python-bench

# Re-created whenever the pins change.
$(PY_VENV)/.installed: $(PY_DIR)/requirements-dev.txt
	rm -rf $(PY_VENV)
	$(PYTHON3) -m venv $(PY_VENV)
	$(PY_VENV)/bin/pip install -q -r $(PY_DIR)/requirements-dev.txt
	touch $@

python-venv: $(PY_VENV)/.installed

# bindings-python/dist/hostedpay-<version>-cp39-abi3-<platform>.whl, installed into .venv.
python-wheel: python-venv
	rm -rf $(PY_DIR)/dist
	cd $(PY_DIR) && .venv/bin/maturin build --release --locked --out dist
	$(PY_VENV)/bin/pip install -q --force-reinstall --no-deps $(PY_DIR)/dist/hostedpay-*.whl

python-test: python-venv
	@tmp=$$(mktemp -d); trap 'rm -rf "$$tmp"' EXIT; \
	cd $(PY_DIR); \
	set -x; \
	PYTHONPATH=python .venv/bin/lint-imports --no-cache .importlinter; \
	.venv/bin/maturin build --release --locked --out "$$tmp/dist"; \
	.venv/bin/pip install -q --force-reinstall --no-deps "$$tmp"/dist/hostedpay-*.whl; \
	{ set +x; echo "== python: stubtest (the .pyi against the wheel), mypy (hostedpay, hostedpay.django)"; set -x; } 2>/dev/null; \
	.venv/bin/python -m mypy.stubtest hostedpay --mypy-config-file pyproject.toml --allowlist stubtest-allowlist.txt; \
	.venv/bin/python -m mypy --cache-dir "$$tmp/mypy-cache"; \
	{ set +x; echo "== python: Django 5.2, SQLite"; set -x; } 2>/dev/null; \
	env -u DATABASE_URL .venv/bin/python -m pytest; \
	if [ -n "$${DATABASE_URL:-}" ]; then \
	  { set +x; echo "== python: Django 5.2, PostgreSQL"; set -x; } 2>/dev/null; \
	  .venv/bin/python -m pytest; \
	else echo "== python: DATABASE_URL not set, PostgreSQL run skipped"; fi; \
	{ set +x; echo "== python: fresh venv, pip install of the built wheel, Django 4.2 LTS, SQLite"; set -x; } 2>/dev/null; \
	$(PYTHON3) -m venv "$$tmp/venv"; \
	"$$tmp/venv/bin/pip" install -q "$$tmp"/dist/hostedpay-*.whl; \
	(cd "$$tmp" && "$$tmp/venv/bin/python" -c "import importlib.util, hostedpay, hostedpay.flocash; \
	  assert hostedpay.money.parse('23.45', 'EUR')['minor'] == 2345; \
	  assert importlib.util.find_spec('vpos') is None, 'the wheel installs a vpos package'; \
	  print('fresh venv: import hostedpay', hostedpay.__version__, 'ok; no vpos package')"); \
	"$$tmp/venv/bin/pip" install -q -r requirements-django42.txt; \
	env -u DATABASE_URL "$$tmp/venv/bin/python" -m pytest

python-bench: python-wheel
	$(PY_VENV)/bin/python $(PY_DIR)/bench/bench_flocash.py
