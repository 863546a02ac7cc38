# Observatoire 360 — commandes du projet.
#   make demo   construit, installe ce qui manque, lance le traitement complet sur des données de démonstration
#   make test   lance toute la suite de tests
#   make bench  mesure les performances (jeux de données générés une fois, en cache)
#   make navigateur  vérifie les pages dans Chromium (accessibilité, petits écrans, PDF), rapports consolidés compris
#   make demo-consolidation  la consolidation nationale et régionale d'une douzaine de C360 de démonstration
#   make chromium    installe Chromium (pour « --format pdf ») et les outils PDF

SWIFT     ?= swift
DEMO_DIR  ?= sortie/demo
SUDO      := $(shell [ "$$(id -u)" -ne 0 ] && command -v sudo)
C360      := .build/debug/c360

.PHONY: all deps build demo demo-consolidation test bench robustesse install clean chromium navigateur

PREFIX    ?= /usr/local

all: build

# System libraries: libxlsxwriter (XLSX writing), cmark (Markdown), SQLite's headers and GLPK
# (linear programmes of the small-count audit), installed with apt-get when missing.
deps:
	@missing=""; \
	pkg-config --exists xlsxwriter 2>/dev/null || missing="$$missing libxlsxwriter-dev"; \
	pkg-config --exists libcmark 2>/dev/null || missing="$$missing libcmark-dev"; \
	pkg-config --exists sqlite3 2>/dev/null || missing="$$missing libsqlite3-dev"; \
	[ -f /usr/include/glpk.h ] || missing="$$missing libglpk-dev"; \
	command -v pkg-config >/dev/null 2>&1 || missing="$$missing pkg-config"; \
	if [ -n "$$missing" ]; then \
	  echo "Installation des bibliothèques manquantes :$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing; \
	fi

build: deps
	$(SWIFT) build --product c360

demo: build
	$(C360) demo $(DEMO_DIR)

demo-consolidation: build
	$(C360) demo-consolidation sortie/demo-consolidation

test: deps
	$(SWIFT) build --build-tests
	$(SWIFT) test --skip-build

# Performance figures (see BENCHMARKS.md): whole commands timed on generated data cached in
# bench/cache/, side by side with the sqlite3 shell; then the micro-benchmarks of hot loops.
bench: deps
	@command -v sqlite3 >/dev/null 2>&1 && [ -x /usr/bin/time ] || $(SUDO) apt-get install -y -qq sqlite3 time
	@$(PYTHON) -c "import pandas, xlsxwriter" 2>/dev/null || $(PYTHON) -m pip install -q pandas xlsxwriter
	$(SWIFT) build -c release --product c360
	bench/bench.sh
	cd Benchmarks && $(SWIFT) package --allow-writing-to-package-directory benchmark --no-progress

# The reliability and security tests (crash runs, the attacks of SECURITE.md, fuzzing) with
# five times more crash runs and fuzz cases: make test runs 20 crash runs and 900 fuzz cases
# (CSV, workbook parts, YAML, Markdown), make robustesse 100 and 4 500.
robustesse: deps
	$(SWIFT) build --build-tests
	C360_ITERATIONS=5 $(SWIFT) test --skip-build --filter 'RobustesseTests|AttaquesTests|FuzzTests'


# Installs the optimised executable with its resources (SQL queries, report templates) in
# $(PREFIX)/lib/c360, and a link in $(PREFIX)/bin.
install: deps
	$(SWIFT) build -c release --product c360
	install -d $(DESTDIR)$(PREFIX)/lib/c360 $(DESTDIR)$(PREFIX)/bin
	install -m 0755 .build/release/c360 $(DESTDIR)$(PREFIX)/lib/c360/c360
	cp -R .build/release/*.resources $(DESTDIR)$(PREFIX)/lib/c360/
	ln -sf $(PREFIX)/lib/c360/c360 $(DESTDIR)$(PREFIX)/bin/c360

# Chromium (Debian's package) prints the PDF reports; poppler-utils reads them back in the checks.
chromium:
	@missing=""; \
	command -v chromium >/dev/null 2>&1 || missing="$$missing chromium"; \
	command -v pdfinfo >/dev/null 2>&1 || missing="$$missing poppler-utils"; \
	if [ -n "$$missing" ]; then \
	  echo "Installation de :$$missing"; \
	  $(SUDO) apt-get update -qq && $(SUDO) apt-get install -y -qq $$missing; \
	fi

# The pages in a real browser: axe-core (WCAG A/AA) at 1280, 390 and 320 px, no sideways
# scroll, no network request, on the demo report (internal and external), the dashboard and
# the consolidated reports of the network demo (national and regional); then the PDFs printed
# by c360 itself (pages, text, tags). Uses the system Chromium through Python's playwright
# (installed with pip when missing; no browser download).
NAV_DIR   ?= sortie/navigateur
PYTHON    ?= python3
navigateur: build chromium
	@$(PYTHON) -c "import playwright, axe_playwright_python" 2>/dev/null || \
	  $(PYTHON) -m pip install -q playwright axe-playwright-python
	rm -rf $(NAV_DIR)
	C360_AUJOURDHUI=2026-02-10 $(C360) demo $(NAV_DIR) >/dev/null
	$(C360) rapport --dossier $(NAV_DIR) --annee 2025 --format pdf --diffusion externe --sortie $(NAV_DIR)/pdf
	$(C360) tableau-de-bord --dossier $(NAV_DIR) --mois 2026-01 --format pdf --sortie $(NAV_DIR)/pdf
	C360_AUJOURDHUI=2026-02-10 $(C360) demo-consolidation $(NAV_DIR)/reseau >/dev/null
	$(PYTHON) Tests/navigateur/verifier.py \
	  $(NAV_DIR)/rapports/rapport-activite-*-2025.html \
	  $(NAV_DIR)/rapports/rapport-activite-*-2025-externe.html \
	  $(NAV_DIR)/rapports/tableau-de-bord-*-2026-01.html \
	  $(NAV_DIR)/reseau/consolidation/consolidation-nationale-2025.html \
	  $(NAV_DIR)/reseau/consolidation/consolidation-region-32-2025.html \
	  --pdf "$$(ls $(NAV_DIR)/pdf/rapport-activite-*-externe.pdf):12:Synthèse|Indicateurs du cahier des charges|moins de 5|Page 1 /" \
	  --pdf "$$(ls $(NAV_DIR)/pdf/tableau-de-bord-*-2026-01.pdf):3:Tableau de bord|Tendances sur 24 mois|Page 1 /"

clean:
	rm -rf .build sortie
