import Foundation
import ObservatoireCore
import ObservatoireIndicateurs

/// The monthly dashboard for the COTER as one self-contained HTML page: the year to date
/// against target with N-1, a small trend chart per indicator over the months shown (24), every
/// indicator month by month, and the year to date by territory.
///
/// ```swift
/// let donnees = try Preparation.tableauDeBord(espace: espace, base: base, jusqua: jour, diffusion: .interne)
/// try TableauDeBordHTML.ecrire(donnees, modeles: modeles, vers: dossier.appendingPathComponent("tableau-de-bord.html"))
/// ```
public enum TableauDeBordHTML {
    public static func rendre(_ d: DonneesTableauDeBord, modeles: Modeles) throws -> String {
        let r = RedacteurTableauDeBord(d)
        let sections = r.sections()
        var contexte = r.contextePage(titre: "Tableau de bord — \(r.dernierMois)", nomC360: d.nomC360, departement: d.departement,
                                      extraction: d.extraction, sections: sections.map(\.contexte),
                                      enTeteImpression: "\(d.nomC360) — tableau de bord au \(d.cumul.periode.fin.francais)")
        contexte["titrePage"] = "Tableau de bord — \(d.nomC360)"
        contexte["periode"] = r.libellePeriode
        contexte["cumul"] = "du \(d.cumul.periode.debut.francais) au \(d.cumul.periode.fin.francais)"
        return try PageHTML.rendre(modele: "tableau-de-bord.html.mustache", modeles: modeles, contexte: contexte)
    }

    public static func ecrire(_ d: DonneesTableauDeBord, modeles: Modeles, vers url: URL) throws {
        try PageHTML.ecrire(try rendre(d, modeles: modeles), vers: url)
    }
}

final class RedacteurTableauDeBord: RedacteurHTML {
    let d: DonneesTableauDeBord
    let annee: Int
    let n: String
    let n1: String

    init(_ d: DonneesTableauDeBord) {
        self.d = d
        annee = d.cumul.periode.fin.annee
        n = "Cumul \(d.cumul.periode.fin.annee)"
        n1 = "Même période \(d.cumul.periode.fin.annee - 1)"
        super.init(seuil: d.seuil, diffusion: d.diffusion)
    }

    static func cle(_ p: Periode) -> String { String(format: "%04d-%02d", p.debut.annee, p.debut.mois) }
    func moisCourt(_ p: Periode) -> String { Libelles.moisCourt(RedacteurTableauDeBord.cle(p)) }
    func moisLong(_ p: Periode) -> String { Libelles.cle(RedacteurTableauDeBord.cle(p)) }

    /// « octobre 2026 »: the last month shown.
    var dernierMois: String { d.mois.last.map(moisLong) ?? "" }

    var libellePeriode: String {
        guard let premier = d.mois.first, let dernier = d.mois.last else { return "" }
        return "de \(moisLong(premier)) à \(moisLong(dernier))"
    }

    func sections() -> [SectionHTML] {
        [
            SectionHTML(id: "cumul", titre: "Depuis le 1er janvier \(annee) : résultats et cibles", contenu: cumul()),
            SectionHTML(id: "tendances", titre: "Tendances sur \(d.mois.count) mois", contenu: tendances()),
            SectionHTML(id: "mois-par-mois", titre: "Indicateurs mois par mois", contenu: moisParMois()),
            SectionHTML(id: "territoires", titre: "Depuis le 1er janvier \(annee), par territoire", contenu: territoires()),
            SectionHTML(id: "lecture", titre: "Pour lire ce tableau de bord", contenu: lecture()),
        ]
    }

    // MARK: - Year to date

    func groupesParObjectif(_ valeurs: [ValeurIndicateur]) -> [(String, [ValeurIndicateur])] {
        ["1", "2", "3", "4", "5", "complementaire"].compactMap { objectif in
            let liste = valeurs.filter { $0.indicateur.objectif == objectif }
            guard !liste.isEmpty else { return nil }
            let titre = objectif == "complementaire" ? (Libelles.objectifs[objectif] ?? "Indicateurs complémentaires")
                : "Objectif \(objectif) — " + (Libelles.objectifs[objectif] ?? "")
            return (titre, liste)
        }
    }

    func enteteIndicateur(_ x: ValeurIndicateur) -> CelluleHTML {
        .ligneHTML("<span class=\"code\">\(HTMLTexte.echapper(x.code))</span> \(HTMLTexte.echapper(LibellesHTML.nom(x.indicateur)))")
    }

    func cumul() -> String {
        let t = d.cumul
        var s = paragraphe("Du \(t.periode.debut.francais) au \(t.periode.fin.francais), comparé à la même période de \(annee - 1). Les propositions des sollicitations les plus récentes peuvent encore arriver : les derniers mois se complètent d'un tableau de bord à l'autre.")
        let groupes = groupesParObjectif(t.indicateurs).map { titre, liste in
            GroupeHTML(titre: titre, lignes: liste.map { x in
                LigneHTML(cellules: [enteteIndicateur(x), celluleValeur(x), celluleTaux(x), celluleValeurEtTaux(t.precedent(x.code)),
                                      celluleCible(x), celluleAtteinte(x)], code: x.code)
            })
        }
        s += TableHTML(legende: "Indicateurs depuis le 1er janvier \(annee), avec la même période de \(annee - 1) et les cibles",
                       colonnes: ["Indicateur", n, "Taux", n1, "Cible", "Atteinte de la cible"], numeriques: [1, 2, 3, 4],
                       groupes: groupes, classe: "cahier").html(ids)
        return s
    }

    // MARK: - Trends

    func tendances() -> String {
        guard let premier = d.mois.first, let dernier = d.mois.last else { return paragraphe("Aucun mois à montrer.") }
        var s = paragraphe("Une colonne par mois, de \(moisLong(premier)) à \(moisLong(dernier)) ; la dernière colonne est le mois le plus récent. Pour un indicateur qui a un taux, c'est le taux du mois qui est tracé. Les valeurs sont reprises dans les tableaux « Indicateurs mois par mois ».")
        s += "<div class=\"cartes-tendances\">"
        for i in d.indicateurs {
            let serie = d.serie(i.code)
            let aUnTaux = serie.contains { $0?.aUnTaux == true }
            let points: [PointGraphique] = zip(d.mois, serie).map { m, x in
                guard let x else { return PointGraphique(libelle: moisCourt(m), valeur: nil, texte: "—") }
                let valeur = aUnTaux ? x.taux : x.valeur
                return PointGraphique(libelle: moisCourt(m), valeur: valeur, texte: mesure(x), masque: estMasquee(x))
            }
            let id = ids.suivant("graphique")
            let nature = aUnTaux ? "taux du mois" : (i.unite == .jours ? "délai moyen du mois" : (i.unite == .etp ? "ETP du mois" : "nombre du mois"))
            let description = "Colonnes, \(nature), de \(moisLong(premier)) à \(moisLong(dernier)) : " + points.map { "\($0.libelle) \($0.texte)" }.joined(separator: ", ") + "."
            let svg = SVG.colonnettes(id: id, titre: "\(i.code) \(LibellesHTML.nom(i)) : \(nature), \(d.mois.count) mois", description: description,
                                      points: points, entiers: !aUnTaux && i.unite == .nombre,
                                      unite: aUnTaux ? "\u{00A0}%" : (i.unite == .jours ? "\u{00A0}j" : ""))
            s += "<article class=\"carte-tendance\" data-code=\"\(HTMLTexte.echapper(i.code))\">"
            s += "<h3><span class=\"code\">\(HTMLTexte.echapper(i.code))</span> \(HTMLTexte.echapper(LibellesHTML.nom(i)))</h3>"
            if let derniere = serie.last, let x = derniere {
                s += "<p class=\"dernier\">\(HTMLTexte.echapper(moisLong(dernier))) : <strong\(estMasquee(x) ? " class=\"masque\"" : "")>\(HTMLTexte.echapper(mesure(x)))</strong>"
                s += aUnTaux ? " <span class=\"precision\">(taux)</span>" : ""
                s += "</p>"
            }
            if let c = d.cumul[i.code] {
                var t = "Cumul \(annee) : \(mesure(c))"
                if let pc = d.cumul.precedent(i.code) { t += " ; \(annee - 1) : \(mesure(pc))" }
                s += "<p class=\"precision\">\(HTMLTexte.echapper(t))</p>"
                if c.cible != nil { s += "<p class=\"cible\">Cible \(HTMLTexte.echapper(a.cible(c))) : \(atteinte(c))</p>" }
            }
            s += "<div class=\"defilement-graphique petit\">\(svg)</div></article>"
        }
        return s + "</div>"
    }

    // MARK: - Month by month

    func moisParMois() -> String {
        var s = paragraphe("Valeur de chaque indicateur pour chaque mois (et son taux en dessous quand il en a un). Un mois est une période à part entière : les taux et délais y sont calculés sur les sollicitations reçues ce mois-là.")
        let tranches = stride(from: 0, to: d.mois.count, by: 12).map { Array($0..<min($0 + 12, d.mois.count)) }
        for tranche in tranches {
            guard let premier = tranche.first, let dernier = tranche.last else { continue }
            let colonnes = ["Indicateur"] + tranche.map { moisCourt(d.mois[$0]) }
            let groupes = groupesParObjectif(d.cumul.indicateurs).map { titre, liste in
                GroupeHTML(titre: titre, lignes: liste.map { c in
                    LigneHTML(cellules: [enteteIndicateur(c)] + tranche.map { k in celluleValeurEtTaux(d.parMois[k].first { $0.code == c.code }) }, code: c.code)
                })
            }
            s += titre3("De \(moisLong(d.mois[premier])) à \(moisLong(d.mois[dernier]))")
            s += TableHTML(legende: "Indicateurs mois par mois, de \(moisLong(d.mois[premier])) à \(moisLong(d.mois[dernier]))",
                           colonnes: colonnes, numeriques: Set(1..<colonnes.count), groupes: groupes, classe: "mois-par-mois").html(ids)
        }
        return s
    }

    // MARK: - Territories

    func territoires() -> String {
        guard !d.territoires.isEmpty else { return paragraphe("Aucun territoire n'est renseigné pour les sollicitations de la période.") }
        var s = paragraphe("Indicateurs depuis le 1er janvier \(annee) pour les sollicitations de chaque territoire ; la colonne « Ensemble » rappelle la valeur de toute la C360.")
        let codes = d.cumul.indicateurs.filter(\.indicateur.territorial).map(\.code)
        let colonnes = ["Indicateur"] + d.territoires.map(\.territoire) + ["Ensemble"]
        let lignes: [LigneHTML] = codes.compactMap { code in
            guard let x = d.cumul[code] else { return nil }
            return LigneHTML(cellules: [enteteIndicateur(x)] + d.territoires.map { celluleValeurEtTaux($0[code]) } + [celluleValeurEtTaux(x)], code: code)
        }
        s += TableHTML(legende: "Indicateurs par territoire depuis le 1er janvier \(annee)", colonnes: colonnes,
                       numeriques: Set(1..<colonnes.count), lignes: lignes, classe: "territoires").html(ids)
        let points: [PointGraphique] = d.territoires.map { t in
            let x = t["1.1"]
            return PointGraphique(libelle: t.territoire, valeur: x?.valeur, texte: x.map { a.valeur($0) } ?? "—", masque: x?.valeurMasquee ?? false)
        }
        let id = ids.suivant("graphique")
        let svg = SVG.barres(id: id, titre: "Sollicitations reçues depuis le 1er janvier \(annee), par territoire",
                             description: "Barres horizontales, une par territoire : " + points.map { "\($0.libelle) : \($0.texte)" }.joined(separator: " ; ") + ".",
                             axe: "Nombre de sollicitations", points: points)
        let tableSimple = TableHTML(legende: "Sollicitations reçues depuis le 1er janvier \(annee), par territoire",
                                    colonnes: ["Territoire", "Sollicitations"], numeriques: [1],
                                    lignes: d.territoires.map { LigneHTML(cellules: [.ligne($0.territoire), celluleValeur($0["1.1"])], code: "1.1") })
        s += titre3("Sollicitations par territoire")
        s += figure(svg, tableSimple)
        return s
    }

    func lecture() -> String {
        var notes = [
            "Taux : pourcentage, avec entre parenthèses le numérateur et le dénominateur.",
            "n.c. : non calculable (dénominateur nul, ou délai moyen sur aucune demande).",
            "Règle de cohorte : une proposition compte pour le mois de sa sollicitation ; les derniers mois se complètent à mesure que les propositions arrivent.",
            "Atteinte : la valeur (ou le taux) depuis le 1er janvier est comparée à la cible de la feuille de route ; « — » : pas de cible fixée.",
            "L'équipe (4.1), l'annuaire (4.2, 5.1) et les membres cœur (4.3) portent sur toute la C360 et ne sont pas découpés par territoire.",
        ]
        if d.diffusion == .externe {
            notes.append("« \(masque) » : effectif de 1 à \(seuil - 1) masqué (secret statistique), avec le taux qui en découle ; « \(SecretStatistique.libelleSecondaire) » : case masquée pour qu'un effectif masqué ne puisse être retrouvé par différence.")
        }
        return "<ul class=\"notes\">" + notes.map { "<li>\(HTMLTexte.echapper($0))</li>" }.joined() + "</ul>"
    }
}
