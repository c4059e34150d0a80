# The two commands a newcomer needs: `make run` (demo app) and `make test` (the whole suite).
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed
DEMO := DEBUG=1
PYTEST_ARGS ?=

.PHONY: install run run-sso test lint format messages worker beat reminders prod-smoke clean

$(STAMP): pyproject.toml
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e ".[dev]"
	touch $(STAMP)

# The translations (locale/*/LC_MESSAGES/*.po, and Django's own strings in Filipino in
# locale_django/) compiled for Django; needs GNU gettext's msgfmt (Debian: apt-get install
# gettext). Files already compiled are skipped.
install: $(STAMP)
	@command -v msgfmt >/dev/null || { echo "msgfmt is missing: apt-get install gettext" >&2; exit 1; }
	$(DEMO) $(BIN)/python manage.py compilemessages --ignore=.venv --verbosity=0

run: install
	$(DEMO) $(BIN)/python manage.py migrate --noinput
	$(DEMO) $(BIN)/python manage.py seed_demo
	$(DEMO) $(BIN)/python manage.py run_reminders
	$(DEMO) $(BIN)/python manage.py runserver 127.0.0.1:8000

# The demo beside the test OpenID Connect provider (tests/support/oidc_provider): "Sign in with
# your city account" as `analyst` (the demo analyst, matched by email, an analyst through the
# group) or `new.starter` (a new trainee account made at the first sign-in), password
# lean-demo-2026. The provider's accounts and keys live only as long as it runs.
SSO_APP_PORT ?= 8000
SSO_PROVIDER_PORT ?= 8001
SSO_CLIENT := --client-id lean-leaders-demo --client-secret demo-only-client-secret
SSO_DEMO := $(DEMO) LEANLEADERS_OIDC_ISSUER=http://127.0.0.1:$(SSO_PROVIDER_PORT)/o \
	LEANLEADERS_OIDC_CLIENT_ID=lean-leaders-demo LEANLEADERS_OIDC_CLIENT_SECRET=demo-only-client-secret \
	LEANLEADERS_OIDC_EMPLOYEE_ID_CLAIM=employee_id LEANLEADERS_OIDC_DEPARTMENT_CLAIM=department \
	LEANLEADERS_OIDC_ANALYST_GROUP=lean-analysts

run-sso: install
	$(DEMO) $(BIN)/python manage.py migrate --noinput
	$(DEMO) $(BIN)/python manage.py seed_demo
	$(BIN)/python -m tests.support.oidc_provider.serve --port $(SSO_PROVIDER_PORT) $(SSO_CLIENT) \
	  --identities tests/support/oidc_provider/demo_identities.json \
	  --redirect-uri http://127.0.0.1:$(SSO_APP_PORT)/accounts/sso/callback/ \
	  --redirect-uri http://localhost:$(SSO_APP_PORT)/accounts/sso/callback/ \
	  --post-logout-redirect-uri http://127.0.0.1:$(SSO_APP_PORT)/accounts/login/ \
	  --post-logout-redirect-uri http://localhost:$(SSO_APP_PORT)/accounts/login/ & \
	trap 'kill $$!' EXIT INT TERM; \
	echo "City account sign-in: analyst or new.starter, password lean-demo-2026"; \
	$(SSO_DEMO) $(BIN)/python manage.py runserver 127.0.0.1:$(SSO_APP_PORT)

reminders: install
	$(DEMO) $(BIN)/python manage.py run_reminders

# Tests are shared out to the workers a file at a time; the fifteen slowest are listed at the end,
# so a slow new one shows.
test: install
	$(BIN)/python -m pytest -n auto --dist loadfile --durations=15 $(PYTEST_ARGS)

lint: install
	$(BIN)/ruff check .
	$(BIN)/ruff format --check .
	DEBUG=1 $(BIN)/mypy

# After changing marked strings: update every catalogue (templates and Python, then our
# JavaScript), translate what is new (docs/translation.md).
messages: install
	$(DEMO) $(BIN)/python manage.py makemessages -a
	$(DEMO) $(BIN)/python manage.py makemessages -d djangojs -a

format: install
	$(BIN)/ruff format .
	$(BIN)/ruff check --fix .

# The production stack on loopback behind nginx, driven in Chromium (deploy/prod-smoke.sh).
prod-smoke: install
	deploy/prod-smoke.sh

worker: install
	$(BIN)/celery -A leanleaders worker --loglevel=INFO

beat: install
	$(BIN)/celery -A leanleaders beat --loglevel=INFO

clean:
	rm -rf $(VENV) db.sqlite3 var staticfiles test-artifacts
