# The two commands of a fresh machine: `make run` and `make test`.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PORT ?= 8000
export PORT

.PHONY: run test install install-dev lint format migrate seed messages bench clean

$(BIN)/.runtime: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(BIN)/.dev: $(BIN)/.runtime requirements-dev.txt
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

install: $(BIN)/.runtime
install-dev: $(BIN)/.dev

migrate: install
	$(BIN)/python manage.py migrate --noinput

run: install
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py migrate --noinput -v0
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py seed_summit --demo
	@echo
	@echo "  Hanoi Summit is serving on http://127.0.0.1:$(PORT)/"
	@echo "    programme     http://127.0.0.1:$(PORT)/programme/"
	@echo "    admin         http://127.0.0.1:$(PORT)/admin/"
	@echo "    portal        http://127.0.0.1:$(PORT)/portal/"
	@echo "    protocol      http://127.0.0.1:$(PORT)/protocol/"
	@echo "    API docs      http://127.0.0.1:$(PORT)/api/docs/ (ReDoc: /api/redoc/)"
	@echo "    health        http://127.0.0.1:$(PORT)/healthz/"
	@[ "$${STAFF_REQUIRE_2FA:-0}" = 1 ] || echo "  Staff sign in without a second factor in this demo (STAFF_REQUIRE_2FA=1 make run"
	@[ "$${STAFF_REQUIRE_2FA:-0}" = 1 ] || echo "  to try it, at http://localhost:$(PORT)/: README, Two-factor sign-in)."
	@[ -n "$$REDIS_URL" ] || echo "  No REDIS_URL: e-mails, badge batches, exports and the List of Participants run"
	@[ -n "$$REDIS_URL" ] || echo "  in-process as they are queued; there is no Celery worker to start (nor beat)."
	@[ -n "$$REDIS_URL" ] && echo "  REDIS_URL is set: start the workers (-Q email / badges / documents / periodic,celery) and one beat," || true
	@[ -n "$$REDIS_URL" ] && echo "  e.g. .venv/bin/celery -A hanoi_summit worker -Q celery,email,badges,documents,periodic" || true
	@echo
	DJANGO_DEBUG=$${DJANGO_DEBUG:-1} $(BIN)/python manage.py runserver 127.0.0.1:$(PORT) --noreload

test: install-dev
	$(BIN)/ruff check .
	$(BIN)/python manage.py makemigrations --check --dry-run -v0
	$(BIN)/python manage.py check
	$(BIN)/lint-imports --no-cache --no-logo
	$(BIN)/pytest $(PYTEST_ARGS)

lint: install-dev
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .

format: install-dev
	$(BIN)/ruff check --fix .
	$(BIN)/ruff format .

# Needs GNU gettext (xgettext, msgfmt); the compiled .mo files are committed, so `make run`
# does not. New strings: run this, translate them in locale/*/LC_MESSAGES/django.po, run again.
messages: install
	$(BIN)/python manage.py makemessages -l fr -l vi --ignore=.venv --ignore=var --ignore=tests --ignore=bench
	$(BIN)/python manage.py compilemessages --ignore=.venv

clean:
	rm -rf $(VENV) var
