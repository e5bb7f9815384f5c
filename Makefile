# The two commands of the README, `make run` and `make test`, and what they stand on.
#
# .venv holds exactly requirements/lock.txt: every package, direct and transitive, at
# one version, checked against its hashes. Nothing is resolved on a user's machine, so
# a release of some dependency tomorrow changes nothing here until `make lock` (and a
# commit) says so. `make test-latest` tries what pyproject.toml's ranges allow today.
PYTHON ?= python3
VENV ?= .venv
BIN = $(VENV)/bin
LOCK := requirements/lock.txt
LOCK_CONSTRAINTS := requirements/lock-constraints.txt
# Every extra is in the lock and in .venv: the tests and lint, the benchmarks' pandas,
# and the packaging tools.
EXTRAS := test,bench,package
# Only `make lock` needs uv, in a venv of its own; users and CI install with plain pip.
UV_VERSION := 0.13.9
LOCK_VENV := .venv-lock
LATEST_VENV := .venv-latest

.PHONY: run test lint lint-only system-packages venv lock test-latest screenshot clean \
	dist bundle smoke-bundle smoke-wheel package install-desktop uninstall-desktop icons mutation

# Debian's packages first (Qt's libraries, poppler-utils, qpdf, …): installed when
# allowed, otherwise a stop with the apt-get line to run.
system-packages:
	@PYTHON="$(PYTHON)" bash tools/system-packages.sh

# Made anew whenever the lock changes, so a package the lock dropped does not linger.
$(VENV)/.lock-installed: $(LOCK) | system-packages
	@$(PYTHON) -c 'import sys; sys.exit(sys.version_info < (3, 11))' || \
	  { echo "irdesk needs Python 3.11 or newer; $(PYTHON) is $$($(PYTHON) --version 2>&1). Run make PYTHON=python3.11 …" >&2; exit 1; }
	rm -rf $(VENV)
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --require-hashes --no-deps -r $(LOCK)
	touch $@

# irdesk itself, editable, built by the lock's setuptools so that nothing unpinned is
# fetched; `pip check` catches a pyproject.toml whose ranges the lock no longer meets.
$(VENV)/.installed: $(VENV)/.lock-installed pyproject.toml
	$(BIN)/python -m pip install --quiet --no-deps --no-build-isolation -e .
	$(BIN)/python -m pip check
	touch $@

venv: system-packages $(VENV)/.installed

# Your own database: on the first start it is created holding the demo organisation,
# then opened as it is. `irdesk --demo` is the throwaway copy.
run: venv
	$(BIN)/irdesk

lint: venv
	@$(MAKE) --no-print-directory lint-only

# The tests in parallel, a worker per CPU (at most 4: each holds its own Qt and, when a
# test asks for one, its own PostgreSQL cluster); a file's tests stay on one worker, so
# a module's expensive fixtures are made once. `pytest` alone runs them in one process.
# A worker per CPU; then, by themselves, the few tests of a promise in time that a busy
# neighbour would break (typing saved within a second).
test: lint
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -n logical --maxprocesses=4 --dist=loadfile -m "not alone"
	QT_QPA_PLATFORM=offscreen $(BIN)/python -m pytest -m alone

# Refresh the lock from pyproject.toml's ranges (and the holds in $(LOCK_CONSTRAINTS)):
# the newest versions they allow, for every platform and Python from 3.11 on, with the
# hashes of PyPI's own files whatever index this machine's pip is set up with.
# `make lock UPGRADE=` keeps the current pins that still fit (after adding a package).
# The build system's requirements come from pyproject.toml on stdin, so that
# `pip install --no-build-isolation -e .` builds with locked setuptools and wheel.
# The lock is replaced only when it changed: a newer file makes every .venv anew.
UPGRADE ?= --upgrade
lock: $(LOCK_VENV)/bin/uv
	cp $(LOCK) $(LOCK).new
	$(PYTHON) -c 'import tomllib; print(*tomllib.load(open("pyproject.toml", "rb"))["build-system"]["requires"], sep="\n")' | \
	env -u UV_INDEX -u UV_INDEX_URL -u UV_EXTRA_INDEX_URL -u UV_FIND_LINKS -u UV_CONSTRAINT -u UV_OVERRIDE \
	  $(LOCK_VENV)/bin/uv pip compile --quiet --no-config \
	    --universal --python-version 3.11 --generate-hashes $(UPGRADE) \
	    --extra test --extra bench --extra package --constraints $(LOCK_CONSTRAINTS) \
	    --custom-compile-command "make lock" --output-file $(LOCK).new pyproject.toml -
	if cmp -s $(LOCK).new $(LOCK); then rm $(LOCK).new; echo "$(LOCK) is unchanged."; \
	else mv $(LOCK).new $(LOCK); echo "$(LOCK) changed: review the diff, make test, commit."; fi

$(LOCK_VENV)/bin/uv:
	$(PYTHON) -m venv $(LOCK_VENV)
	$(LOCK_VENV)/bin/python -m pip install --quiet uv==$(UV_VERSION)

# The newest versions pyproject.toml allows, in a venv of their own made anew each
# time, then the suite and lint there: a failure here is what `make lock` would bring.
test-latest: system-packages
	rm -rf $(LATEST_VENV)
	$(PYTHON) -m venv $(LATEST_VENV)
	$(LATEST_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(LATEST_VENV)/bin/python -m pip install --quiet --upgrade --upgrade-strategy eager -e '.[$(EXTRAS)]'
	$(LATEST_VENV)/bin/python tools/lock_drift.py $(LOCK)
	QT_QPA_PLATFORM=offscreen $(LATEST_VENV)/bin/python -m pytest
	@$(MAKE) --no-print-directory lint-only VENV=$(LATEST_VENV)

# Lint alone, with the tools of whichever venv VENV names; nothing is installed.
lint-only:
	$(BIN)/ruff check irdesk tests
	$(BIN)/ruff format --check irdesk tests
	$(BIN)/lint-imports
	$(BIN)/mypy

# Packaging: the wheel and sdist (dist/), the one-folder desktop bundle (dist/irdesk/),
# each checked by its smoke script; its tools are the lock's `package` extra, in .venv.
dist: venv
	PYTHON=$(BIN)/python packaging/build_dist.sh dist

bundle: venv
	PYTHON=$(BIN)/python packaging/build_bundle.sh

smoke-bundle: bundle
	PYTHON=$(BIN)/python packaging/smoke_bundle.sh

smoke-wheel: dist
	PYTHON=$(BIN)/python packaging/smoke_wheel.sh

package: smoke-bundle smoke-wheel

# The menu entry, icons, file type and AppStream data in ~/.local/share.
install-desktop:
	packaging/install_desktop.sh

uninstall-desktop:
	packaging/install_desktop.sh --uninstall

# Mutation testing (mutmut, pip-installed into .venv by hand: not in the lock), outside
# `make test`: TARGET=domain, writing or audit; MUTATE= and MUTATION_TESTS= narrow a run.
mutation: venv
	PYTHON=$(BIN)/python tools/mutation.sh $(or $(TARGET),domain)

icons: venv
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/render_icons.py

SAMPLES ?= ../shared/data
SCREENSHOT_SAMPLES := pagerduty_incidents_page.json pagerduty_incident_and_log_entry.jsonl \
	statuspage_incident_github_2019.json statuspage_incident_github_2023.json \
	opsgenie_alerts_page.json jira_search_with_changelog.json
screenshot: venv
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/screenshot.py resources/screenshots/main-window.png
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/screenshot_dashboard.py resources/screenshots/dashboard.png
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/screenshot_findings.py resources/screenshots/findings.png
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/screenshot_notes.py resources/screenshots/feedback-notes-locked.png resources/screenshots/feedback-notes-unlocked.png
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/screenshot_readers.py resources/screenshots/name-prompt.png resources/screenshots/note-readers.png --size 1280x800
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/screenshot_review_feedback.py resources/screenshots/review-health.png resources/screenshots/calibration.png --factors resources/screenshots/calibration-factors.png --notes resources/screenshots/calibration-notes.png
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/screenshot_themes.py resources/screenshots --size 1280x800
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/screenshot_register.py resources/screenshots/register.png
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/screenshot_person.py resources/screenshots/person.png --samples --person "Hattie Hendricks" --from 2021-05-01 --to 2021-06-30
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/screenshot_person.py resources/screenshots/team.png --samples --team "Payments Team" --from 2021-05-01 --to 2021-06-30 --tab members
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/screenshot_person.py resources/screenshots/escalation-chart.png --samples --escalation PGW5XNE
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/screenshot_organisation.py resources/screenshots/organisation-leave.png --samples --leave "Akiko Almeda" --size 1280x800
	@# Needs Debian's postgresql package: a throwaway cluster holds the demo for the picture.
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/screenshot_team_database.py resources/screenshots/team-database-window.png
	@# The window at a projector's and a big monitor's size, light and dark, on real
	@# exports imported into a scratch database (SAMPLES: a folder of them).
	rm -rf .screenshot-samples && mkdir .screenshot-samples
	$(BIN)/irdesk import --db .screenshot-samples/real.db \
	  $(addprefix $(SAMPLES)/,$(SCREENSHOT_SAMPLES)) >/dev/null
	for size in 1024x768 1920x1080; do \
	  QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/screenshot.py resources/screenshots/main-window-$$size.png --db .screenshot-samples/real.db --size $$size && \
	  QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/screenshot.py resources/screenshots/main-window-$$size-dark.png --db .screenshot-samples/real.db --size $$size --dark || exit 1; \
	done
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/screenshot_classify.py resources/screenshots/classify-dialog.png --db .screenshot-samples/real.db --id PGW5XNE
	QT_QPA_PLATFORM=offscreen $(BIN)/python packaging/screenshot_organisation.py resources/screenshots/organisation-history.png --db .screenshot-samples/real.db
	rm -rf .screenshot-samples

clean:
	rm -rf $(VENV) $(LOCK_VENV) $(LATEST_VENV) build dist *.egg-info .pytest_cache .ruff_cache .mypy_cache
