#!/usr/bin/env python3
"""Fabrique l'exemple de tableur de suivi « une ligne par appel » et ses jumeaux CSV.

Le tableur ressemble à celui qu'une coordination tient à la main : une ligne de titre
fusionnée au-dessus des en-têtes, une date de mise à jour, des en-têtes à sa façon, des dates
Excel et des dates tapées en texte, des lignes vides, une ligne de total, jusqu'à deux
orientations par appel avec leur décision sur la même ligne, et une feuille des partenaires.

    python3 fabriquer.py      # (openpyxl requis : pip install openpyxl)

Écrit, dans ce dossier :
  suivi-appels-2025.xlsx              le tableur (feuilles « Appels » et « Partenaires »)
  suivi-appels-2025.csv               la feuille Appels enregistrée en « CSV (point-virgule) » par Excel (Windows-1252)
  partenaires-c360.csv                la feuille Partenaires, même format
  suivi-appels-2025-reexport.xlsx     le même tableur réexporté un mois plus tard :
                                      3 lignes modifiées, 2 supprimées
Les chiffres attendus sont calculés à la main dans Tests/ObservatoireTests/SuiviTests.swift.
"""
import datetime as dt
import os
from openpyxl import Workbook
from openpyxl.styles import Font

ICI = os.path.dirname(os.path.abspath(__file__))

ENTETES = ["N° appel", "Date de l'appel", "Réf. personne", "Nom", "Téléphone", "Qui appelle ?", "Âge",
           "Type de demande", "Motif(s)", "Aller-vers", "Suivi par la C360", "Projet de vie avec", "Secteur", "Canal",
           "Orientation 1", "Date orientation 1", "Milieu 1", "Montage partenarial 1", "Décision 1", "Structure 1",
           "Orientation 2", "Date orientation 2", "Milieu 2", "Montage partenarial 2", "Décision 2", "Structure 2",
           "Éval. existante", "Date de clôture", "Observations"]

def d(a, m, j):
    return dt.datetime(a, m, j)

VIDE2 = ["", "", "", "", "", ""]
# Une ligne par appel. Les dates sont des dates Excel (datetime) ou du texte tapé (str).
APPELS = [
    ["A-001", d(2025, 1, 6), "P-101", "Martin Léa", "06 12 34 56 78", "Parent", 8, "Recherche de solution", "Scolarité / Loisirs",
     "N", "O", "La personne", "Arrageois", "Tél",
     "SESSAD", d(2025, 1, 20), "Spécialisé", "N", "Acceptée", "MDPH62",
     "Centre de loisirs", "03/02/2025", "Ordinaire", "O", "Acceptée", "MAIRIE-ARRAS", "O", "", "maman très inquiète"],
    ["A-002", "07/01/2025", "P-102", "Durand Paul", "03 21 00 00 00", "Personne", 34, "Info", "",
     "N", "N", "", "Ternois", "Mail"] + VIDE2 + VIDE2 + ["", "", ""],
    ["A-003", d(2025, 1, 15), "P-103", "Lefebvre Anne", "", "Professionnel", 45, "Orientation", "Emploi",
     "O", "N", "", "Audomarois", "Partenaire"] + VIDE2 + VIDE2 + ["", "", "rappeler mardi"],
    ["A-004", d(2025, 2, 3), "P-104", "Petit Marie", "07 00 00 00 00", "Aidant", 52, "Recherche de solution", "Répit",
     "N", "O", "L'aidant", "Arrageois", "Tél",
     "Accueil de jour", d(2025, 2, 10), "Spécialisé", "O", "En attente", ""] + VIDE2 + ["N", "", ""],
    ["A-005", "12/02/2025", "P-101", "Martin Léa", "06 12 34 56 78", "Parent", 8, "Recherche de solution", "Transport",
     "N", "O", "La personne", "Arrageois", "Tél",
     "Transport adapté", "20/02/2025", "Ordinaire", "N", "Refusée", "",
     "Covoiturage solidaire", "25/02/2025", "Ordinaire", "O", "Sans suite", "", "N", "", ""],
    ["A-006", d(2025, 3, 4), "P-105", "Roux Tom", "", "Personne", 19, "Recherche de solution", "",
     "O", "O", "Pair-aidant", "Montreuillois", "Fiche",
     "Service d'accompagnement à la vie sociale", d(2025, 3, 18), "Mixte", "O", "Acceptée", ""] + VIDE2 + ["O", "", ""],
    ["A-007", d(2025, 3, 10), "P-106", "Moreau Jade", "", "Parent", 15, "Recherche de solution", "Scolarité",
     "N", "O", "Non", "Ternois", "Tél",
     "ULIS", d(2025, 3, 31), "Ordinaire", "N", "OK", "MDPH62"] + VIDE2 + ["O", "", ""],
    ["A-008", d(2025, 3, 21), "P-107", "Simon Luc", "", "Partenaire", 60, "Info", "",
     "N", "N", "", "Audomarois", "Partenaire"] + VIDE2 + VIDE2 + ["", "", ""],
    ["A-009", d(2025, 4, 2), "P-108", "Laurent Eva", "", "Personne", 27, "Recherche de solution", "Logement / Emploi",
     "N", "O", "", "Arrageois", "Tél",
     "Foyer d'hébergement", d(2025, 4, 22), "Spécialisé", "N", "en attente", "",
     "Cap emploi", d(2025, 4, 25), "Ordinaire", "O", "Acceptée", "", "N", "", ""],
    ["A-010", d(2025, 4, 14), "P-109", "Michel Noé", "", "Parent", 12, "Orientation", "Santé",
     "N", "N", "", "Montreuillois", "Mail"] + VIDE2 + VIDE2 + ["", "", ""],
    # Une valeur que le profil ne traduit pas : à corriger dans le profil (ou le tableur).
    ["A-011", d(2025, 4, 18), "P-112", "Garcia Ana", "", "Voisin", 40, "Info", "",
     "N", "N", "", "Arrageois", "Tél"] + VIDE2 + VIDE2 + ["", "", ""],
    # Une date impossible : à corriger dans le tableur ; son orientation ne peut pas être gardée.
    ["A-012", "31/02/2025", "P-113", "Bernard Léo", "", "Personne", 30, "Recherche de solution", "Santé",
     "N", "O", "La personne", "Ternois", "Tél",
     "Psychologue", d(2025, 3, 5), "Ordinaire", "N", "Acceptée", ""] + VIDE2 + ["O", "", ""],
    # Une orientation sans date : la proposition est rejetée, la sollicitation gardée.
    ["A-013", d(2025, 5, 5), "P-110", "Thomas Rose", "", "Aidant", 70, "Recherche de solution", "Ressources",
     "N", "O", "L'aidant", "Ternois", "Tél",
     "Aide à domicile", "", "Ordinaire", "N", "Acceptée", ""] + VIDE2 + ["N", "", ""],
    None,  # une ligne vide
    ["A-014", d(2025, 5, 19), "P-111", "Robert Ines", "", "Personne", 16, "Recherche de solution", "Formation",
     "O", "O", "La personne", "Audomarois", "Tél",
     "Formation qualifiante", d(2025, 6, 2), "Ordinaire", "O", "Acceptée", "MAIRIE-ARRAS"] + VIDE2 + ["O", d(2025, 6, 30), ""],
    None,
]
TOTAL = ["TOTAL", 14, "", "", "", "", "", "", "", "", "", "", "", "", 12]

PARTENAIRES_ENTETES = ["Code", "Structure", "Type", "Membre cœur", "Partenaire engagé", "Depuis le", "Contact"]
PARTENAIRES = [
    ["MDPH62", "MDPH du Pas-de-Calais", "Spécialisé", "O", "O", d(2021, 1, 1), "accueil@mdph62.example"],
    ["MAIRIE-ARRAS", "Mairie d'Arras", "Droit commun", "N", "O", d(2022, 3, 15), ""],
    ["CCAS-STPOL", "CCAS de Saint-Pol-sur-Ternoise", "Droit commun", "N", "N", "01/06/2023", ""],
    ["APF", "APF France handicap", "Spécialisé", "N", "O", d(2024, 9, 1), ""],
]


def reexport(appels):
    """Un mois plus tard : A-002 change de secteur, A-004 voit sa décision prise, A-010 devient une
    recherche de solution ; A-003 et A-008 ont été supprimées du tableur."""
    sortie = []
    for l in appels:
        if l is None:
            sortie.append(None)
            continue
        l = list(l)
        if l[0] in ("A-003", "A-008"):
            continue
        if l[0] == "A-002":
            l[12] = "Arrageois"
        if l[0] == "A-004":
            l[18] = "Acceptée"
        if l[0] == "A-010":
            l[7] = "Recherche de solution"
        sortie.append(l)
    return sortie


def classeur(appels, chemin, maj):
    wb = Workbook()
    ws = wb.active
    ws.title = "Appels"
    ws["A1"] = "Communauté 360 du Pas-de-Calais — suivi des appels 2025"
    ws["A1"].font = Font(bold=True, size=14)
    ws.merge_cells(start_row=1, start_column=1, end_row=1, end_column=len(ENTETES))
    ws["A2"] = "Mis à jour le " + maj
    for j, e in enumerate(ENTETES, 1):
        ws.cell(row=4, column=j, value=e).font = Font(bold=True)
    ligne = 5
    for l in appels:
        if l is not None:
            for j, v in enumerate(l, 1):
                if v == "":
                    continue
                c = ws.cell(row=ligne, column=j, value=v)
                if isinstance(v, dt.datetime):
                    c.number_format = "DD/MM/YYYY"
        ligne += 1
    for j, v in enumerate(TOTAL, 1):
        if v != "":
            ws.cell(row=ligne, column=j, value=v).font = Font(bold=True)
    p = wb.create_sheet("Partenaires")
    for j, e in enumerate(PARTENAIRES_ENTETES, 1):
        p.cell(row=1, column=j, value=e).font = Font(bold=True)
    for i, l in enumerate(PARTENAIRES, 2):
        for j, v in enumerate(l, 1):
            c = p.cell(row=i, column=j, value=v)
            if isinstance(v, dt.datetime):
                c.number_format = "DD/MM/YYYY"
    wb.properties.creator = "Coordination C360"
    wb.properties.created = dt.datetime(2025, 10, 3, 9, 0, 0)
    wb.properties.modified = dt.datetime(2025, 10, 3, 9, 0, 0)
    wb.save(chemin)


def texte(v):
    if isinstance(v, dt.datetime):
        return v.strftime("%d/%m/%Y")
    return str(v)


def csv_excel(lignes, chemin):
    """Comme « Enregistrer sous… CSV (séparateur : point-virgule) » d'un Excel français."""
    def champ(v):
        t = texte(v)
        if any(c in t for c in ';"\n'):
            t = '"' + t.replace('"', '""') + '"'
        return t
    with open(chemin, "wb") as f:
        for l in lignes:
            f.write((";".join(champ(v) for v in l) + "\r\n").encode("cp1252"))


def main():
    classeur(APPELS, os.path.join(ICI, "suivi-appels-2025.xlsx"), "03/10/2025")
    classeur(reexport(APPELS), os.path.join(ICI, "suivi-appels-2025-reexport.xlsx"), "04/11/2025")
    n = len(ENTETES)
    lignes = [["Communauté 360 du Pas-de-Calais — suivi des appels 2025"] + [""] * (n - 1),
              ["Mis à jour le 03/10/2025"] + [""] * (n - 1), [""] * n, ENTETES]
    for l in APPELS:
        lignes.append([""] * n if l is None else l)
    lignes.append(TOTAL + [""] * (n - len(TOTAL)))
    csv_excel(lignes, os.path.join(ICI, "suivi-appels-2025.csv"))
    csv_excel([PARTENAIRES_ENTETES] + PARTENAIRES, os.path.join(ICI, "partenaires-c360.csv"))


if __name__ == "__main__":
    main()
