# The demo shop (examples/django-shop/): a small Django project on SQLite using hostedpay.django,
# paid through hostedpay-sandbox. Installs everything it needs on a fresh machine.
#
# demo:     builds the hostedpay wheel (python-wheel) and pip-installs it with its Django extra
#           (Django, cryptography) into the shop's venv, builds the sandbox, then runs demo.py:
#           hostedpay-sandbox and the shop on free ports of 127.0.0.1, the URL to open printed;
#           Ctrl-C (or SIGTERM) stops both. Each phase prints a `== demo:` line first, and the
#           long builds show cargo's progress: nothing stays silent for minutes.
# demo-e2e: the same two servers and a customer in headless Chromium (playwright-core,
#           Debian's chromium): for each gateway (FloCash, Redsys, CECA, Santander Elavon,
#           PayPal, Bitpay) a purchase paid on the sandbox's page, then (for those that notify
#           server to server) one paid under fault injection (dropped delivery, failed
#           post-back, duplicates, as far as the gateway has each) that must move the payment
#           to paid exactly once; then a partial refund from the admin's payment page, a
#           merchant account added, a declined payment's reason on the order page (and in
#           Spanish), the admin in Spanish, and a sandbox fault set and cleared by the
#           dashboard's buttons. Screenshots go to $(DEMO_DIR)/e2e/screenshots/.

TEST_SUITES += demo-e2e

DEMO_DIR := examples/django-shop
DEMO_VENV := $(DEMO_DIR)/.venv
DEMO_SANDBOX := target/debug/hostedpay-sandbox
# Sandbox time runs this much faster: FloCash's hourly retry comes every second, PayPal's and
# Bitpay's first retry after 17 ms.
DEMO_TIME_SCALE ?= 3600

.PHONY: demo-setup demo-venv demo-wheel-phase demo-sandbox demo-e2e-tools demo-e2e

# The shop's own pins (Django), re-created when they change.
$(DEMO_VENV)/.installed: $(DEMO_DIR)/requirements.txt
	@echo "== demo: creating $(DEMO_VENV) (Django from $(DEMO_DIR)/requirements.txt, from PyPI)"
	rm -rf $(DEMO_VENV)
	$(PYTHON3) -m venv $(DEMO_VENV)
	$(DEMO_VENV)/bin/pip install -q -r $(DEMO_DIR)/requirements.txt
	touch $@

# Printed before python-wheel runs (prerequisites are made left to right).
demo-wheel-phase:
	@echo "== demo: building the hostedpay wheel (a release build of the Rust core: about 2 minutes on a fresh machine)"

# hostedpay from the wheel the Python suite builds (bindings-python/dist), installed as a shop would:
# with its [django] extra, so cryptography (the secrets of merchant accounts added in the admin)
# comes too. The wheel is reinstalled without touching the rest, then the extra fills in
# whatever is missing (pip leaves the Django of requirements.txt alone: it satisfies the extra).
# A venv made before the rename (issue 17) still holds the old `vpos` package: it goes first,
# so that nothing in the shop can import it unnoticed.
demo-venv: $(DEMO_VENV)/.installed demo-wheel-phase python-wheel
	@echo "== demo: installing the wheel with its dependencies (hostedpay[django]) into $(DEMO_VENV)"
	whl=$$(ls $(PY_DIR)/dist/hostedpay-*.whl); \
	$(DEMO_VENV)/bin/pip uninstall -q -y vpos 2>/dev/null || true; \
	$(DEMO_VENV)/bin/pip install -q --force-reinstall --no-deps "$$whl"; \
	$(DEMO_VENV)/bin/pip install -q "$$whl[django]"

demo-sandbox: tools
	@echo "== demo: building the sandbox ($(DEMO_SANDBOX): about a minute on a fresh machine)"
	$(CARGO) build -p vpos-sandbox --locked

demo-setup: demo-venv demo-sandbox

# The root Makefile's `demo: tools` runs this recipe; exec so that Ctrl-C and SIGTERM reach
# demo.py, which stops the sandbox and the shop.
demo: demo-setup
DEMO_RUN = echo "== demo: starting the sandbox and the shop (migrations, then the URLs to open)"; \
	exec $(DEMO_VENV)/bin/python -u $(DEMO_DIR)/demo.py --sandbox $(DEMO_SANDBOX) --time-scale $(DEMO_TIME_SCALE)

demo-e2e-tools:
	@$(DEMO_DIR)/e2e/tools.sh

demo-e2e: demo-setup demo-e2e-tools
	@echo "== demo-e2e: the shop and the sandbox driven by headless Chromium (a few minutes)"
	cd $(DEMO_DIR)/e2e && DEMO_PYTHON=$(CURDIR)/$(DEMO_VENV)/bin/python DEMO_SANDBOX=$(CURDIR)/$(DEMO_SANDBOX) \
	  node --test --test-reporter=spec shop.test.mjs
