"""Le pipeline qu'écrirait un analyste avec pandas et XlsxWriter, mesuré par make bench à côté
de « c360 importer » suivi de « c360 rapport » : lire les deux exports, calculer une année
(sollicitations par mois, territoire, profil, type et canal ; part des accompagnées ; personnes
distinctes ; propositions, décisions et taux d'acceptation ; délai médian jusqu'à la première
proposition), écrire un classeur XLSX et une page HTML.

Sans validation ni pseudonymisation ni secret statistique : c'est l'étalon « rapide » de
l'issue 15, pas un équivalent de l'outil.

    python3 bench/pipeline_pandas.py DOSSIER_EXPORTS ANNEE DOSSIER_SORTIE
"""
import os
import sys

import pandas as pd

dossier, annee, sortie = sys.argv[1], int(sys.argv[2]), sys.argv[3]
os.makedirs(sortie, exist_ok=True)

s = pd.read_csv(os.path.join(dossier, "sollicitations.csv"), sep=";", encoding="utf-8-sig", dtype=str)
p = pd.read_csv(os.path.join(dossier, "propositions.csv"), sep=";", encoding="utf-8-sig", dtype=str)
s["date"] = pd.to_datetime(s["date_sollicitation"], format="%d/%m/%Y", errors="coerce")
s = s[s["date"].dt.year == annee]
p["date"] = pd.to_datetime(p["date_proposition"], format="%Y-%m-%d", errors="coerce")
p = p.merge(s[["id_sollicitation", "date", "territoire"]], on="id_sollicitation", suffixes=("", "_sollicitation"))

tableaux = {}
tableaux["par mois et territoire"] = s.groupby([s["date"].dt.month.rename("mois"), "territoire"]).size().unstack(fill_value=0)
for colonne in ["profil", "type_demande", "canal", "tranche_age", "origine"]:
    tableaux[f"par {colonne}"] = s.groupby(["territoire", colonne]).size().unstack(fill_value=0)
synthese = pd.DataFrame({
    "sollicitations": s.groupby("territoire").size(),
    "personnes": s.groupby("territoire")["personne_id"].nunique(),
    "accompagnées (%)": s.assign(a=s["accompagnee"] == "oui").groupby("territoire")["a"].mean().mul(100).round(1),
    "propositions": p.groupby("territoire").size(),
    "acceptées (%)": p.assign(a=p["decision"] == "acceptee").groupby("territoire")["a"].mean().mul(100).round(1),
})
premiere = p.groupby("id_sollicitation").agg(premiere=("date", "min"), depuis=("date_sollicitation", "first"), territoire=("territoire", "first"))
premiere["delai"] = (premiere["premiere"] - premiere["depuis"]).dt.days
synthese["délai médian (jours)"] = premiere.groupby("territoire")["delai"].median()
tableaux = {"synthèse": synthese, **tableaux}

with pd.ExcelWriter(os.path.join(sortie, f"rapport-{annee}.xlsx"), engine="xlsxwriter") as classeur:
    for nom, t in tableaux.items():
        t.to_excel(classeur, sheet_name=nom[:31])
with open(os.path.join(sortie, f"rapport-{annee}.html"), "w", encoding="utf-8") as page:
    page.write(f"<!doctype html><html lang='fr'><meta charset='utf-8'><title>Rapport {annee}</title><body>")
    for nom, t in tableaux.items():
        page.write(f"<h2>{nom}</h2>" + t.to_html())
    page.write("</body></html>")
