# The two commands a newcomer needs: `make demo` and `make test`. Everything else is optional.
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO_ACCOUNTS ?= 3000
DEMO_BIND ?= 127.0.0.1:8000
export KABINET_MAIL_DIR ?= $(CURDIR)/var/mail

.PHONY: demo test install lint typecheck bench messages lock clean worker

$(STAMP): pyproject.toml constraints.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade "pip>=24"
	$(BIN)/python -m pip install --quiet -c constraints.txt -e ".[dev]"
	touch $(STAMP)

install: $(STAMP)

# demo (town); DEMO_BIND lets .ci/checks/demo.sh run the demo on a free port. The task worker
# (mail, imports) and the scheduler (daily reminders) run beside the server and stop with it.
# payments: the demo pays through the portal's own sandbox gateway (docs/payments.md).
demo: export KABINET_PAYMENTS_SANDBOX = 1
demo: $(STAMP)
	$(BIN)/kabinet migrate --noinput
	$(BIN)/kabinet seed_demo --accounts $(DEMO_ACCOUNTS)
	@echo "Mail is written to $(KABINET_MAIL_DIR); the task worker and the scheduler run beside the server."
	$(BIN)/kabinet db_worker --interval 2 & WORKER=$$!; \
	  $(BIN)/kabinet scheduler --at 08:00 & SCHEDULER=$$!; \
	  trap 'kill $$WORKER $$SCHEDULER 2>/dev/null' EXIT INT TERM; \
	  $(BIN)/kabinet serve --bind $(DEMO_BIND) --workers 3

test: $(STAMP)
	$(BIN)/pytest -n 2 $(PYTEST_ARGS)

lint: $(STAMP)
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	$(BIN)/lint-imports

typecheck: $(STAMP)
	$(BIN)/mypy kabinet

bench: $(STAMP)
	$(BIN)/python -m bench

# Regenerate every app's .po and .mo files after changing user-facing strings (needs GNU
# gettext; the compiled .mo files are committed so that nobody else does).
messages: export KABINET_VAR_DIR = $(CURDIR)/var
messages: $(STAMP)
	for app in kabinet/*/; do \
	  if [ -d $$app/locale ]; then (cd $$app && ../../$(BIN)/kabinet makemessages -l uk -l ru -l en --no-obsolete --verbosity 0 && ../../$(BIN)/kabinet compilemessages --verbosity 0); fi; \
	done

# Re-pin every dependency after editing pyproject.toml.
lock:
	rm -rf .lock-venv && $(PYTHON) -m venv .lock-venv
	.lock-venv/bin/python -m pip install --quiet --upgrade "pip>=24"
	.lock-venv/bin/python -m pip install --quiet -e ".[dev]"
	.lock-venv/bin/python -m pip freeze --exclude-editable | grep -v '^-e' > constraints.txt
	rm -rf .lock-venv

clean:
	rm -rf $(VENV) var .pytest_cache
