#!/usr/bin/env python3
"""Vérifie les pages HTML de l'Observatoire 360 dans un vrai navigateur (make navigateur).

Pour chaque page et chaque largeur d'écran (1280, 390 et 320 px) : axe-core (règles WCAG 2.x A
et AA) ne doit trouver aucune violation, la page ne doit pas défiler de côté (largeur du document
≤ largeur de la fenêtre), et aucune requête ne doit sortir de la page (tout est embarqué).
Chromium est celui de Debian (paquet « chromium »), piloté par playwright ; axe-core vient du
paquet PyPI axe-playwright-python.

    python3 Tests/navigateur/verifier.py PAGE.html [PAGE.html…] [--pdf FICHIER.pdf:PAGES_MIN:TEXTE]

Code de sortie 0 si tout passe, 1 sinon (le détail est écrit sur la sortie standard).
"""
import json
import os
import subprocess
import sys

from playwright.sync_api import sync_playwright
import axe_playwright_python

AXE = os.path.join(os.path.dirname(axe_playwright_python.__file__), "axe.min.js")
LARGEURS = [1280, 390, 320]
CHROMIUM = os.environ.get("CHROMIUM", "/usr/bin/chromium")


def verifier_page(navigateur, chemin, largeur):
    problemes = []
    contexte = navigateur.new_context(viewport={"width": largeur, "height": 900})
    page = contexte.new_page()
    requetes = []
    page.on("request", lambda r: requetes.append(r.url) if not r.url.startswith(("file:", "data:", "about:")) else None)
    page.goto("file://" + os.path.abspath(chemin))
    page.wait_for_load_state("load")
    with open(AXE, encoding="utf-8") as f:
        page.evaluate(f.read())
    resultat = page.evaluate("""async () => await axe.run(document, {runOnly: {type: 'tag', values: ['wcag2a', 'wcag2aa', 'wcag21a', 'wcag21aa', 'best-practice']}})""")
    for v in resultat["violations"]:
        cibles = [", ".join(n["target"]) if isinstance(n["target"], list) else str(n["target"]) for n in v["nodes"][:3]]
        problemes.append(f"axe {v['id']} ({v['impact']}) : {v['help']} — {len(v['nodes'])} élément(s), ex. {cibles}")
    largeur_doc = page.evaluate("() => Math.max(document.documentElement.scrollWidth, document.body.scrollWidth)")
    if largeur_doc > largeur:
        debordants = page.evaluate("""(l) => Array.from(document.querySelectorAll('body *')).filter(e => {
            const r = e.getBoundingClientRect(); return r.right > l + 1 && getComputedStyle(e).position !== 'fixed';
        }).slice(0, 5).map(e => e.tagName.toLowerCase() + (e.id ? '#' + e.id : '') + (e.className && typeof e.className === 'string' ? '.' + e.className.split(' ').join('.') : ''))""", largeur)
        problemes.append(f"la page défile de côté : {largeur_doc} px pour une fenêtre de {largeur} px (ex. {debordants})")
    if requetes:
        problemes.append(f"requêtes hors de la page : {requetes[:5]}")
    contexte.close()
    return problemes


def verifier_pdf(spec):
    chemin, pages_min, texte = spec.split(":", 2)
    problemes = []
    info = subprocess.run(["pdfinfo", chemin], capture_output=True, text=True)
    pages = 0
    for ligne in info.stdout.splitlines():
        if ligne.startswith("Pages:"):
            pages = int(ligne.split()[1])
    if pages < int(pages_min):
        problemes.append(f"{chemin} : {pages} page(s), au moins {pages_min} attendues")
    contenu = subprocess.run(["pdftotext", chemin, "-"], capture_output=True, text=True).stdout
    for t in texte.split("|"):
        if t and t not in contenu:
            problemes.append(f"{chemin} : texte « {t} » absent")
    tags = subprocess.run(["pdfinfo", "-struct", chemin], capture_output=True, text=True).stdout
    if "Document" not in tags and "Part" not in tags and "Sect" not in tags:
        problemes.append(f"{chemin} : PDF non balisé (pas de structure)")
    return pages, problemes


def main(args):
    pages = [a for a in args if not a.startswith("--")]
    pdfs = []
    i = 0
    while i < len(args):
        if args[i] == "--pdf":
            pdfs.append(args[i + 1])
            pages.remove(args[i + 1]) if args[i + 1] in pages else None
            i += 2
        else:
            i += 1
    echecs = 0
    with sync_playwright() as p:
        navigateur = p.chromium.launch(executable_path=CHROMIUM, args=["--no-sandbox"])
        for chemin in pages:
            for largeur in LARGEURS:
                problemes = verifier_page(navigateur, chemin, largeur)
                etat = "ok" if not problemes else f"{len(problemes)} problème(s)"
                print(f"{os.path.basename(chemin)} à {largeur} px : {etat}")
                for pb in problemes:
                    print("   - " + pb)
                echecs += len(problemes)
        navigateur.close()
    for spec in pdfs:
        n, problemes = verifier_pdf(spec)
        print(f"{os.path.basename(spec.split(':')[0])} : {n} pages, {'ok' if not problemes else 'problèmes'}")
        for pb in problemes:
            print("   - " + pb)
        echecs += len(problemes)
    print(f"\n{'Aucun problème.' if echecs == 0 else f'{echecs} problème(s).'}")
    return 0 if echecs == 0 else 1


if __name__ == "__main__":
    sys.exit(main(sys.argv[1:]))
