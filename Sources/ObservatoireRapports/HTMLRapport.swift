import Foundation
import ObservatoireCore
import ObservatoireIndicateurs

/// The annual activity report as one self-contained HTML page: the same sections as the XLSX
/// workbook, charts as inline SVG with their tables, the narrative and the methodology. The
/// page works offline (no script, no network), prints on A4, and follows the RGAA structure
/// (one `h1`, ordered headings, captioned tables, labelled charts).
///
/// ```swift
/// let donnees = try Preparation.rapport(espace: espace, base: base, annee: 2025, diffusion: .externe, modeles: modeles)
/// try RapportHTML.ecrire(donnees, modeles: modeles, vers: dossier.appendingPathComponent("rapport.html"))
/// ```
public enum RapportHTML {
    public static func rendre(_ d: DonneesRapport, modeles: Modeles) throws -> String {
        let r = RedacteurRapport(d)
        let sections = r.sections()
        var contexte = r.contextePage(titre: "Rapport d'activité \(d.annee)", nomC360: d.nomC360, departement: d.departement,
                                      extraction: d.extraction, sections: sections.map(\.contexte),
                                      enTeteImpression: "\(d.nomC360) — rapport d'activité \(d.annee)")
        contexte["annee"] = String(d.annee)
        contexte["periode"] = "du \(d.periode.debut.francais) au \(d.periode.fin.francais)"
        return try PageHTML.rendre(modele: "rapport.html.mustache", modeles: modeles, contexte: contexte)
    }

    public static func ecrire(_ d: DonneesRapport, modeles: Modeles, vers url: URL) throws {
        try PageHTML.ecrire(try rendre(d, modeles: modeles), vers: url)
    }
}

/// Builds the sections of the annual report.
final class RedacteurRapport: RedacteurHTML {
    let d: DonneesRapport
    let n: String
    let n1: String

    init(_ d: DonneesRapport) {
        self.d = d
        n = String(d.annee)
        n1 = String(d.annee - 1)
        super.init(seuil: d.seuil, diffusion: d.diffusion)
    }

    func v(_ code: String) -> ValeurIndicateur? { d.valeur(code) }
    func p(_ code: String) -> ValeurIndicateur? { d.precedent(code) }

    func sections() -> [SectionHTML] {
        [
            SectionHTML(id: "synthese", titre: "Synthèse", contenu: synthese()),
            SectionHTML(id: "cahier-des-charges", titre: "Indicateurs du cahier des charges", contenu: cahierDesCharges()),
            SectionHTML(id: "activite", titre: "Activité mois par mois", contenu: activite()),
            SectionHTML(id: "profils", titre: "Profils des personnes concernées", contenu: profils()),
            SectionHTML(id: "problematiques", titre: "Types de problématique", contenu: problematiques()),
            SectionHTML(id: "propositions", titre: "Solutions proposées et acceptées", contenu: propositions()),
            SectionHTML(id: "delais", titre: "Délais de réponse", contenu: delais()),
            SectionHTML(id: "territoires", titre: "Territoires", contenu: territoires()),
            SectionHTML(id: "equipe", titre: "Équipe et partenaires", contenu: equipe()),
            SectionHTML(id: "canaux", titre: "Canaux d'entrée, niveaux d'intervention et publics", contenu: canaux()),
            SectionHTML(id: "qualite", titre: "Qualité des données", contenu: qualite()),
            SectionHTML(id: "recit", titre: "Récit de l'année", contenu: recit()),
            SectionHTML(id: "methodologie", titre: "Méthodologie", contenu: methodologie()),
        ]
    }

    // MARK: - Synthèse

    struct Carte {
        var code: String
        var intitule: String
        var principal: String
        var masque: Bool
        var detail: String?
        var taux: Bool
    }

    func compte(_ x: Double?, masque m: Bool) -> String { a.nombre(x, unite: .nombre, masque: m) }

    func synthese() -> String {
        var cartes: [Carte] = []
        func ajouter(_ code: String, _ intitule: String, taux: Bool = false, detail: ((ValeurIndicateur) -> String?)? = nil) {
            guard let x = v(code) else { return }
            cartes.append(Carte(code: code, intitule: intitule, principal: taux ? a.taux(x, avecFraction: false) : a.valeur(x),
                                masque: taux ? x.tauxMasque : x.valeurMasquee, detail: detail?(x), taux: taux))
        }
        ajouter("1.1", "Sollicitations reçues")
        ajouter("1.3", "Demandes de recherche de solution")
        ajouter("1.5", "Solutions proposées") { x in
            x.aUnTaux ? "\(self.a.taux(x, avecFraction: false)) des demandes de recherche de solution ont reçu au moins une proposition" : nil
        }
        ajouter("1.6", "Taux d'acceptation des solutions", taux: true) { x in
            "\(self.compte(x.numerateur, masque: x.numerateurMasque)) acceptées sur \(self.compte(x.denominateur, masque: x.denominateurMasque)) décisions prises"
        }
        ajouter("1.7", "Délai moyen jusqu'à la première proposition") { x in
            guard let med = x.statistiques.first(where: { $0.nom == "mediane" }), let nb = x.statistiques.first(where: { $0.nom == "n" }) else { return nil }
            return "Médiane \(self.a.statistique(med, unite: .jours)), sur \(self.a.statistique(nb, unite: .nombre)) demandes"
        }
        ajouter("2.1", "Situations accompagnées après un repérage (aller vers)")
        ajouter("x.file_active", "File active au \(d.periode.fin.francais)") { _ in "Situations accompagnées non clôturées" }
        ajouter("x.personnes", "Personnes distinctes") { x in
            x.aUnTaux ? "\(self.a.taux(x, avecFraction: false)) sont venues au moins deux fois" : nil
        }
        ajouter("4.1", "ETP dédiés à la recherche de solutions")
        ajouter("4.2", "Acteurs référencés dans l'annuaire") { x in
            let r = x.repartition.map { "\(Libelles.cle($0.cle, code: x.code).lowercased()) : \(self.a.n($0, unite: .nombre))" }
            return r.isEmpty ? nil : r.joined(separator: ", ")
        }
        ajouter("5.1", "Partenaires hors membres cœur")

        var s = paragraphe("Chiffres clés de l'\(d.periode.libelle) pour \(d.nomC360) (département \(d.departement)), comparés à \(n1). Données extraites le \(Horodatage.francais(d.extraction)).", classe: "chapeau")
        s += "<ul class=\"chiffres-cles\">"
        for c in cartes {
            let x = v(c.code)
            let px = p(c.code)
            s += "<li class=\"chiffre-cle\" data-code=\"\(HTMLTexte.echapper(c.code))\">"
            s += "<p class=\"intitule\">\(HTMLTexte.echapper(c.intitule)) <span class=\"code\">(\(HTMLTexte.echapper(c.code)))</span></p>"
            s += "<p class=\"valeur\(c.masque ? " masque" : "")\">\(HTMLTexte.echapper(c.principal))</p>"
            if let detail = c.detail { s += "<p class=\"detail\">\(HTMLTexte.echapper(detail))</p>" }
            if let px {
                var t = "En \(n1) : " + (c.taux ? a.taux(px, avecFraction: false) : a.valeur(px))
                if let e = evolution(x, px, taux: c.taux) { t += " (évolution : \(e))" }
                s += "<p class=\"n1\">\(HTMLTexte.echapper(t))</p>"
            }
            if let x, x.cible != nil {
                s += "<p class=\"cible\">Cible \(HTMLTexte.echapper(a.cible(x))) : \(atteinte(x))</p>"
            }
            s += "</li>"
        }
        s += "</ul>"
        let avecCible = d.tableau.indicateurs.filter { $0.cible != nil }
        if !avecCible.isEmpty {
            let atteintes = avecCible.filter { $0.atteinte == true }.count
            let non = avecCible.filter { $0.atteinte == false }.count
            let autres = avecCible.count - atteintes - non
            var t = "Cibles de la feuille de route : \(atteintes) atteinte\(atteintes > 1 ? "s" : "") et \(non) non atteinte\(non > 1 ? "s" : "") sur \(avecCible.count) indicateur\(avecCible.count > 1 ? "s" : "") ayant une cible"
            if autres > 0 { t += " (\(autres) sans valeur à comparer : non calculable ou secret)" }
            s += paragraphe(t + ". Le détail est dans le tableau des indicateurs du cahier des charges.", classe: "bilan-cibles")
        }
        return s
    }

    // MARK: - Cahier des charges

    func cahierDesCharges() -> String {
        var groupes: [GroupeHTML] = []
        for objectif in ["1", "2", "3", "4", "5", "complementaire"] {
            let valeurs = d.tableau.indicateurs.filter { $0.indicateur.objectif == objectif }
            guard !valeurs.isEmpty else { continue }
            let titre = objectif == "complementaire" ? (Libelles.objectifs[objectif] ?? "Indicateurs complémentaires")
                : "Objectif \(objectif) — " + (Libelles.objectifs[objectif] ?? "")
            groupes.append(GroupeHTML(titre: titre, lignes: valeurs.map { x in
                let px = p(x.code)
                return LigneHTML(cellules: [
                    .ligne(x.code), .texte(x.indicateur.libelle), celluleCible(x), .texte(Libelles.periodicite(x.indicateur.periodicite)),
                    celluleValeur(x), celluleTaux(x), celluleValeurEtTaux(px), celluleAtteinte(x),
                ], code: x.code)
            }))
        }
        let table = TableHTML(legende: "Indicateurs du cahier des charges, \(d.periode.libelle), avec l'année \(n1) (N-1)",
                              colonnes: ["N°", "Indicateur", "Cible", "Périodicité", "Valeur \(n)", "Taux \(n)", "N-1 (\(n1))", "Atteinte de la cible"],
                              numeriques: [2, 4, 5, 6], groupes: groupes, classe: "cahier")
        var s = table.html(ids)
        var notes = ["Taux : pourcentage, avec entre parenthèses le numérateur et le dénominateur.",
                     "n.c. : non calculable (dénominateur nul, ou moyenne sur aucune demande).",
                     "Atteinte : la valeur (ou le taux, pour un indicateur qui en a un) est comparée à la cible de la feuille de route ; « — » : pas de cible fixée."]
        if d.diffusion == .externe {
            notes.append("« \(masque) » : effectif masqué (secret statistique) ; « \(SecretStatistique.libelleSecondaire) » : case masquée pour qu'un effectif masqué ne puisse être retrouvé par différence. Une cible n'est pas jugée sur une valeur masquée.")
        }
        s += "<ul class=\"notes\">" + notes.map { "<li>\(HTMLTexte.echapper($0))</li>" }.joined() + "</ul>"
        return s
    }

    // MARK: - Activité

    func pointsMensuels(_ x: ValeurIndicateur?) -> [PointGraphique] {
        (x?.repartition ?? []).map { l in
            PointGraphique(libelle: moisCourt(l.cle), valeur: l.n, texte: a.n(l, unite: .nombre), masque: l.masquee || l.secondaire)
        }
    }

    /// « janv. » from « 2025-01 ».
    func moisCourt(_ cle: String) -> String {
        guard cle.count == 7, let m = Int(cle.suffix(2)), (1...12).contains(m) else { return cle }
        return Periode.nomsCourtsDesMois[m - 1]
    }

    func activite() -> String {
        guard let x = v("1.1") else { return paragraphe("Indicateur 1.1 indisponible.") }
        let px = p("1.1")
        let serie = pointsMensuels(x)
        let precedente = px.map(pointsMensuels)
        let id = ids.suivant("graphique")
        var description = "Colonnes : nombre de sollicitations reçues chaque mois de \(n) (total \(a.valeur(x)))"
        if let px { description += " ; ligne pointillée avec des ronds : les mêmes mois de \(n1) (total \(a.valeur(px)))" }
        description += ". " + serie.map { "\($0.libelle) : \($0.texte)" }.joined(separator: ", ") + ". Les valeurs sont reprises dans le tableau qui suit."
        let svg = SVG.colonnes(id: id, titre: "Sollicitations reçues par mois, \(n)\(px != nil ? " et \(n1)" : "")", description: description,
                               axeX: "Mois de réception", axeY: "Nombre de sollicitations", serie: serie, nomSerie: n,
                               precedent: precedente, nomPrecedent: n1)
        var lignes = [LigneHTML(cellules: [.ligne(n)] + x.repartition.map { celluleN($0, .nombre) } + [celluleValeur(x)])]
        if let px {
            lignes.append(LigneHTML(cellules: [.ligne(n1)] + x.repartition.map { l in
                celluleN(px.repartition.first { String($0.cle.suffix(2)) == String(l.cle.suffix(2)) }, .nombre)
            } + [celluleValeur(px)]))
        }
        let colonnes = ["Année"] + x.repartition.map { moisCourt($0.cle) } + ["Total"]
        let table = TableHTML(legende: "Sollicitations reçues par mois (indicateur 1.1)", colonnes: colonnes,
                              numeriques: Set(1..<colonnes.count), lignes: lignes, classe: "mois")
        var s = paragraphe("Nombre de sollicitations reçues chaque mois (indicateur 1.1), toutes demandes confondues, comparé aux mêmes mois de l'année précédente.")
        s += "<div class=\"figure-pleine\"><figure class=\"figure\"><div class=\"defilement-graphique\">\(svg)</div></figure>\(table.html(ids))</div>"
        return s
    }

    // MARK: - Profils, problématiques

    func profils() -> String {
        guard let x = v("1.2") else { return "" }
        var s = paragraphe("Répartition des \(a.valeur(x)) sollicitations de \(n) selon le profil de la personne concernée (indicateur 1.2).")
        s += blocRepartition(x, precedent: p("1.2"), titre: "Sollicitations par profil de la personne concernée, \(n)", enTeteCle: "Profil",
                             axe: "Nombre de sollicitations", libelleN: n, libelleN1: n1)
        return s
    }

    func problematiques() -> String {
        guard let x = v("1.3") else { return "" }
        var s = paragraphe("Base : \(a.valeur(x)) demandes de recherche de solution en \(n) (indicateur 1.3). Pour chaque type de problématique, le nombre de ces demandes qui le mentionnent et leur part.")
        s += "<p class=\"avertissement\"><strong>À lire :</strong> une demande pouvant porter plusieurs types de problématique, la somme des parts peut dépasser 100&nbsp;%.</p>"
        s += blocRepartition(x, precedent: p("1.3"), titre: "Types de problématique des demandes de recherche de solution, \(n)",
                             enTeteCle: "Type de problématique", axe: "Nombre de demandes de recherche de solution", libelleN: n, libelleN1: n1,
                             note: "Parts calculées sur les demandes de recherche de solution ; leur somme peut dépasser 100 %.")
        return s
    }

    // MARK: - Propositions

    static let explicationsTaux: [String: String] = [
        "1.4": "part des propositions de la période",
        "1.5": "part des demandes de recherche de solution ayant reçu au moins une proposition",
        "1.6": "part des propositions dont la décision est prise",
        "2.2": "part des propositions de la période",
        "2.3": "part des propositions de la période",
        "3.1": "part des situations accompagnées",
        "x.rapt": "part des sollicitations",
        "x.personnes": "part des personnes venues au moins deux fois",
    ]

    func tableIndicateurs(_ codes: [String], legende: String, avecTaux: Bool = true) -> String {
        let lignes: [LigneHTML] = codes.compactMap { code in
            guard let x = v(code) else { return nil }
            var entete = "<span class=\"code\">\(HTMLTexte.echapper(code))</span> \(HTMLTexte.echapper(LibellesHTML.nom(x.indicateur)))"
            if avecTaux, x.aUnTaux, let e = RedacteurRapport.explicationsTaux[code] { entete += "<br><span class=\"precision\">taux : \(HTMLTexte.echapper(e))</span>" }
            var c: [CelluleHTML] = [.ligneHTML(entete), celluleValeur(x)]
            if avecTaux { c.append(celluleTaux(x)) }
            c += [celluleValeurEtTaux(p(code)), celluleCible(x), celluleAtteinte(x)]
            return LigneHTML(cellules: c, code: code)
        }
        var colonnes = ["Indicateur", "Valeur \(n)"]
        if avecTaux { colonnes.append("Taux \(n)") }
        colonnes += ["\(n1) (N-1)", "Cible", "Atteinte de la cible"]
        return TableHTML(legende: legende, colonnes: colonnes, numeriques: Set(1..<(colonnes.count - 1)), lignes: lignes).html(ids)
    }

    func propositions() -> String {
        var s = paragraphe("Les propositions comptées sont celles faites pour les sollicitations reçues en \(n), quelle que soit leur propre date (règle de cohorte).")
        s += tableIndicateurs(["1.4", "1.5", "1.6", "2.2", "2.3", "3.1"], legende: "Solutions d'accompagnement proposées et acceptées, \(n)")
        if let x = v("1.6") {
            s += titre3("Décisions sur les solutions proposées (1.6)")
            var note = "Taux d'acceptation = solutions acceptées / solutions dont la décision est prise (acceptée, refusée ou sans suite)."
            if let attente = x.statistiques.first(where: { $0.nom == "en_attente" }) {
                note += " Propositions en attente de décision, hors du taux : \(a.statistique(attente, unite: .nombre))."
            }
            s += paragraphe(note)
            s += blocRepartition(x, precedent: p("1.6"), titre: "Décisions sur les solutions proposées, \(n)", enTeteCle: "Décision",
                                 axe: "Nombre de propositions", libelleN: n, libelleN1: n1)
        }
        if let x = v("3.1") {
            s += titre3("Projets de vie co-construits (3.1)")
            s += paragraphe("Situations accompagnées selon que leur projet de vie a été co-construit, et avec qui. Les situations sans réponse restent au dénominateur (non renseigné).")
            s += blocRepartition(x, precedent: p("3.1"), titre: "Co-construction du projet de vie des situations accompagnées, \(n)",
                                 enTeteCle: "Co-construction", axe: "Nombre de situations accompagnées", libelleN: n, libelleN1: n1)
        }
        return s
    }

    // MARK: - Délais

    func delais() -> String {
        var s = ""
        if let x = v("1.7") {
            let px = p("1.7")
            s += paragraphe("Délai en jours calendaires entre la sollicitation et la première proposition d'accompagnement (indicateur 1.7), pour les sollicitations de \(n) ayant reçu au moins une proposition.")
            let noms = ["moyenne", "n", "mediane", "p90", "sans_proposition"]
            let lignes: [LigneHTML] = noms.compactMap { nom in
                guard let st = x.statistiques.first(where: { $0.nom == nom }) ?? (nom == "moyenne" ? Statistique(nom: "moyenne", valeur: x.valeur) : nil) else { return nil }
                var st2 = st
                if nom == "moyenne" { st2.valeur = x.valeur; st2.retenue = x.valeurRetenue }
                var c: [CelluleHTML] = [.ligne(Libelles.statistique(nom)), .nombre(a.statistique(st2, unite: .jours), masque: st2.masquee)]
                if let px {
                    var sp = px.statistiques.first { $0.nom == nom } ?? Statistique(nom: nom, valeur: nil)
                    if nom == "moyenne" { sp.valeur = px.valeur; sp.retenue = px.valeurRetenue }
                    c.append(.nombre(a.statistique(sp, unite: .jours), masque: sp.masquee))
                }
                return LigneHTML(cellules: c, code: "1.7")
            }
            var colonnes = ["Statistique", n]
            if px != nil { colonnes.append("\(n1) (N-1)") }
            s += TableHTML(legende: "Délai jusqu'à la première proposition (1.7), \(n)", colonnes: colonnes, numeriques: Set(1..<colonnes.count), lignes: lignes).html(ids)
            if x.cible != nil {
                s += "<p class=\"cible\">Cible : \(HTMLTexte.echapper(a.cible(x))) ; \(atteinte(x)).</p>"
            }
            s += paragraphe("La médiane et le 90e centile sont pris au rang le plus proche. Les sollicitations encore sans proposition n'entrent pas dans la moyenne.", classe: "precision")
        }
        if let x = v("x.delais") {
            s += titre3("Répartition des délais")
            let px = p("x.delais")
            let serie = x.repartition.map { point($0, x) }
            let precedente = px.map { pv in x.repartition.map { l -> PointGraphique in
                let lp = pv.repartition.first { $0.cle == l.cle }
                return PointGraphique(libelle: Libelles.cle(l.cle), valeur: lp?.n, texte: lp.map { a.n($0, unite: .nombre) } ?? "", masque: lp?.masquee ?? false || lp?.secondaire ?? false)
            } }
            let id = ids.suivant("graphique")
            var description = "Histogramme : nombre de sollicitations de \(n) par tranche de délai jusqu'à la première proposition. "
            description += serie.map { "\($0.libelle) : \($0.texte)" }.joined(separator: ", ")
            if px != nil { description += ". Ligne pointillée : \(n1)" }
            description += ". Les valeurs sont dans le tableau qui suit."
            let svg = SVG.colonnes(id: id, titre: "Délais jusqu'à la première proposition, par tranche, \(n)", description: description,
                                   axeX: "Délai jusqu'à la première proposition (jours calendaires)", axeY: "Nombre de sollicitations",
                                   serie: serie, nomSerie: n, precedent: precedente, nomPrecedent: n1, histogramme: true)
            var colonnes = ["Tranche de délai", "Nombre \(n)", "Part \(n)"]
            if px != nil { colonnes += ["Nombre \(n1)", "Part \(n1)"] }
            let lignes: [LigneHTML] = x.repartition.map { l in
                var c: [CelluleHTML] = [.ligne(Libelles.cle(l.cle)), celluleN(l, .nombre), cellulePart(l)]
                if let px {
                    let lp = px.repartition.first { $0.cle == l.cle }
                    c += [celluleN(lp, .nombre), cellulePart(lp)]
                }
                return LigneHTML(cellules: c)
            }
            let table = TableHTML(legende: "Sollicitations par tranche de délai jusqu'à la première proposition, \(n)", colonnes: colonnes,
                                  numeriques: Set(1..<colonnes.count), lignes: lignes,
                                  pied: [LigneHTML(cellules: [.ligne("Total"), celluleValeur(x), .nombre("")] + (px != nil ? [celluleValeur(px), .nombre("")] : []))])
            s += figure(svg, table)
        }
        if !d.territoires.isEmpty {
            s += titre3("Délai moyen par territoire")
            let points: [PointGraphique] = d.territoires.map { t in
                let x = t["1.7"]
                return PointGraphique(libelle: t.territoire, valeur: x?.valeur, texte: x.map { a.valeur($0) } ?? "—", masque: x?.valeurMasquee ?? false)
            }
            let id = ids.suivant("graphique")
            let svg = SVG.barres(id: id, titre: "Délai moyen jusqu'à la première proposition par territoire, \(n)",
                                 description: "Barres horizontales, une par territoire : " + points.map { "\($0.libelle) : \($0.texte)" }.joined(separator: " ; ") + ". Détail dans le tableau qui suit.",
                                 axe: "Délai moyen (jours calendaires)", points: points, entiers: false)
            let lignes: [LigneHTML] = d.territoires.map { t in
                let x = t["1.7"]
                func st(_ nom: String) -> CelluleHTML {
                    guard let s = x?.statistiques.first(where: { $0.nom == nom }) else { return .nombre("—") }
                    return .nombre(a.statistique(s, unite: .jours), masque: s.masquee)
                }
                return LigneHTML(cellules: [.ligne(t.territoire), celluleValeur(x), st("n"), st("mediane"), st("p90"), st("sans_proposition")], code: "1.7")
            }
            let table = TableHTML(legende: "Délai jusqu'à la première proposition par territoire, \(n)",
                                  colonnes: ["Territoire", "Délai moyen", "Demandes avec proposition", "Médiane", "90e centile", "Encore sans proposition"],
                                  numeriques: [1, 2, 3, 4, 5], lignes: lignes)
            s += figure(svg, table)
        }
        return s
    }

    // MARK: - Territoires

    func territoires() -> String {
        guard !d.territoires.isEmpty else {
            return paragraphe("Aucun territoire n'est renseigné pour les sollicitations de \(n).")
        }
        var s = paragraphe("Chaque indicateur calculé pour les sollicitations d'un territoire (l'équipe, l'annuaire et les membres cœur portent sur toute la C360 et ne sont pas découpés). La colonne « Ensemble » rappelle la valeur de toute la C360.")
        let codes = d.codesTerritoriaux
        let colonnes = ["Indicateur"] + d.territoires.map(\.territoire) + ["Ensemble"]
        let lignes: [LigneHTML] = codes.compactMap { code in
            guard let x = v(code) else { return nil }
            let entete = "<span class=\"code\">\(HTMLTexte.echapper(code))</span> \(HTMLTexte.echapper(LibellesHTML.nom(x.indicateur)))"
            return LigneHTML(cellules: [.ligneHTML(entete)] + d.territoires.map { celluleValeurEtTaux($0[code]) } + [celluleValeurEtTaux(x)], code: code)
        }
        s += TableHTML(legende: "Indicateurs par territoire, \(d.periode.libelle) (valeur, et taux en dessous quand l'indicateur en a un)",
                       colonnes: colonnes, numeriques: Set(1..<colonnes.count), lignes: lignes, classe: "territoires").html(ids)

        s += titre3("Sollicitations mois par mois, par territoire")
        let panneaux = d.territoires.map { t in
            PanneauGraphique(titre: "\(t.territoire) — \(t["1.1"].map { a.valeur($0) } ?? "—")", points: pointsMensuels(t["1.1"]))
        }
        let id = ids.suivant("graphique")
        let description = "Petits multiples : pour chaque territoire, les sollicitations reçues chaque mois de \(n), sur la même échelle. Totaux : "
            + d.territoires.map { "\($0.territoire) \($0["1.1"].map { a.valeur($0) } ?? "—")" }.joined(separator: ", ") + ". Les valeurs mensuelles sont dans le tableau qui suit."
        let svg = SVG.petitsMultiples(id: id, titre: "Sollicitations reçues par mois et par territoire, \(n)", description: description,
                                      axeY: "Nombre de sollicitations par mois (janvier à décembre)", panneaux: panneaux)
        let mois = v("1.1")?.repartition.map(\.cle) ?? []
        let colonnesMois = ["Territoire"] + mois.map(moisCourt) + ["Total"]
        let lignesMois: [LigneHTML] = d.territoires.map { t in
            let x = t["1.1"]
            return LigneHTML(cellules: [.ligne(t.territoire)] + mois.map { m in celluleN(x?.repartition.first { $0.cle == m }, .nombre) } + [celluleValeur(x)], code: "1.1")
        }
        let table = TableHTML(legende: "Sollicitations reçues par mois et par territoire, \(n)", colonnes: colonnesMois,
                              numeriques: Set(1..<colonnesMois.count), lignes: lignesMois, classe: "mois")
        s += "<div class=\"figure-pleine\"><figure class=\"figure\"><div class=\"defilement-graphique\">\(svg)</div></figure>\(table.html(ids))</div>"
        return s
    }

    // MARK: - Équipe

    func equipe() -> String {
        var s = paragraphe("L'équipe, l'annuaire territorial et les membres cœur portent sur toute la Communauté 360 : ces indicateurs ne sont pas découpés par territoire.")
        s += tableIndicateurs(["4.1", "4.2", "4.3", "5.1"], legende: "Équipe, annuaire et partenaires, \(n)", avecTaux: false)
        if let x = v("4.2") {
            s += titre3("Acteurs référencés dans l'annuaire (4.2)")
            s += blocRepartition(x, precedent: p("4.2"), titre: "Acteurs référencés au \(d.periode.fin.francais), par catégorie",
                                 enTeteCle: "Catégorie", axe: "Nombre d'acteurs", libelleN: n, libelleN1: n1)
        }
        if let x = v("4.3") {
            s += titre3("Temps dédié par les membres cœur (4.3)")
            if x.repartition.isEmpty {
                s += paragraphe("Aucun temps de membre cœur n'est déclaré pour \(n).")
            } else {
                s += blocRepartition(x, precedent: p("4.3"), titre: "Temps dédié à la Communauté par membre cœur, \(n) (ETP)",
                                     enTeteCle: "Membre cœur", axe: "Équivalents temps plein (ETP)", libelleN: n, libelleN1: n1, avecPart: false)
            }
        }
        return s
    }

    // MARK: - Canaux et niveaux

    func canaux() -> String {
        var s = paragraphe("Indicateurs complémentaires de suivi de l'activité : d'où viennent les sollicitations, à quel niveau elles sont traitées, qui elles concernent.")
        s += tableIndicateurs(["x.file_active", "x.personnes", "x.rapt"], legende: "File active, personnes distinctes et orientations vers la RAPT, \(n)")
        if let x = v("x.personnes"), let st = x.statistiques.first(where: { $0.nom == "sollicitations_par_personne" }) {
            s += paragraphe("Nombre moyen de sollicitations par personne : \(a.statistique(st, unite: .nombre)).")
        }
        let blocs: [(String, String, String, String)] = [
            ("x.type", "Sollicitations par type de demande", "Type de demande", "Nombre de sollicitations"),
            ("x.canal", "Sollicitations par canal d'entrée", "Canal d'entrée", "Nombre de sollicitations"),
            ("x.niveau", "Sollicitations par niveau d'intervention", "Niveau d'intervention", "Nombre de sollicitations"),
            ("x.rapt", "Orientations vers la cellule RAPT / situations alarmantes", "Orientation", "Nombre de sollicitations"),
            ("x.age", "Sollicitations par tranche d'âge de la personne concernée", "Tranche d'âge", "Nombre de sollicitations"),
            ("x.personnes", "Personnes selon le nombre de leurs sollicitations", "Personnes", "Nombre de personnes"),
        ]
        for (code, titre, cle, axe) in blocs {
            guard let x = v(code), !x.repartition.isEmpty else { continue }
            s += titre3("\(titre) (\(code))")
            s += blocRepartition(x, precedent: p(code), titre: "\(titre), \(n)", enTeteCle: cle, axe: axe, libelleN: n, libelleN1: n1)
        }
        return s
    }

    // MARK: - Qualité

    func qualite() -> String {
        let q = d.qualite
        guard !q.imports.isEmpty else {
            return paragraphe("Aucun fichier n'a encore été importé dans la base de l'observatoire.")
        }
        // In `externe` diffusion a small count of rows is masked here too, as everywhere else.
        let masquer = { (x: Int) in self.diffusion == .externe && SecretStatistique.estPetit(Double(x), seuil: self.seuil) }
        func t(_ x: Int) -> String { masquer(x) ? masque : FormatFrancais.entier(x, espace: "\u{00A0}") }
        func e(_ x: Int) -> CelluleHTML { .nombre(t(x), masque: masquer(x)) }
        var s = paragraphe("État actuel de la base : \(t(q.totalImportees)) lignes enregistrées, \(t(q.totalRejetees)) lignes des exports rejetées (à corriger dans l'outil de suivi) et \(t(q.totalAvertissements)) lignes enregistrées avec un avertissement. Chaque ligne lue est enregistrée ou rejetée avec son motif : aucune n'est perdue. Un tableur réexporté en entier chaque mois ne compte qu'une fois : ces chiffres décrivent l'état présent, pas la somme des imports.")
        let tables = q.tables.filter { $0.enregistrees + $0.rejetees + $0.avertissements > 0 }
        s += TableHTML(legende: "État de la base par table", colonnes: ["Table", "Lignes enregistrées", "Lignes rejetées", "Avertissements"],
                       numeriques: [1, 2, 3], lignes: tables.map { LigneHTML(cellules: [.ligne($0.table), e($0.enregistrees), e($0.rejetees), e($0.avertissements)]) },
                       pied: [LigneHTML(cellules: [.ligne("Total"), e(q.totalImportees), e(q.totalRejetees), e(q.totalAvertissements)])]).html(ids)
        let lignes = q.imports.map { i in
            LigneHTML(cellules: [.ligne(i.fichier), .texte(i.table), .texte(i.profil ?? "—"), .texte(dateImport(i.date), classes: ["date"]),
                                 e(i.lues), e(i.importees), e(i.rejetees)])
        }
        s += TableHTML(legende: "Fichiers de l'état actuel (dernier import de chaque source)",
                       colonnes: ["Fichier", "Table", "Profil", "Importé le", "Lignes lues", "Enregistrées", "Rejetées"],
                       numeriques: [4, 5, 6], lignes: lignes).html(ids)
        if q.rejetsParRegle.isEmpty {
            s += paragraphe("Aucune ligne rejetée dans l'état actuel.")
        } else {
            s += titre3("Lignes rejetées par motif")
            s += TableHTML(legende: "Lignes rejetées par motif", colonnes: ["Motif", "Code de la règle", "Lignes rejetées"], numeriques: [2],
                           lignes: q.rejetsParRegle.map { LigneHTML(cellules: [.ligne(majuscule($0.libelle)), .texte($0.regle), e($0.n)]) }).html(ids)
        }
        if !q.avertissementsParRegle.isEmpty {
            s += titre3("Lignes enregistrées avec un avertissement")
            s += TableHTML(legende: "Avertissements par motif", colonnes: ["Motif", "Code", "Lignes"], numeriques: [2],
                           lignes: q.avertissementsParRegle.map { LigneHTML(cellules: [.ligne(majuscule($0.libelle)), .texte($0.regle), e($0.n)]) }).html(ids)
        }
        if q.totalRejetees + q.totalAvertissements > 0 {
            s += paragraphe("Le détail ligne par ligne (fichier, ligne, colonne, motif, où corriger) est donné à la coordination par la commande « c360 rejets » ; il n'est pas reproduit ici.")
        }
        return s
    }

    func majuscule(_ s: String) -> String { s.prefix(1).uppercased() + s.dropFirst() }

    /// The ledger's timestamp in French when it can be read, as stored otherwise.
    func dateImport(_ s: String) -> String {
        if let date = Horodatage.lire(s) { return Horodatage.francais(date) }
        if let j = Jour(iso: String(s.prefix(10))) { return j.francais }
        return s
    }

    // MARK: - Récit, méthodologie

    func recit() -> String {
        if let probleme = d.recitIllisible {
            return "<div class=\"note-manquante\" role=\"note\"><p><strong>Récit non repris.</strong> " + HTMLTexte.echapper(majuscule(probleme)) + "</p></div>"
        }
        guard let texte = d.recit, !texte.trimmingCharacters(in: .whitespacesAndNewlines).isEmpty else {
            var s = "<div class=\"note-manquante\" role=\"note\">"
            s += "<p><strong>Récit à compléter.</strong> Le fichier « \(HTMLTexte.echapper(d.cheminRecit)) » est absent (ou vide) dans l'espace de travail : le récit de l'année n'a pas pu être repris.</p>"
            s += "<p>Créez ce fichier (texte Markdown) avec les quatre titres suivants, écrivez sous chacun, puis relancez le rapport :</p>"
            s += "<ul><li>## Faits marquants</li><li>## Solutions innovantes</li><li>## Freins et difficultés</li><li>## Perspectives</li></ul>"
            return s + "</div>"
        }
        // The narrative's own title (« # Récit de l'année — … ») would repeat the section's.
        var markdown = texte.trimmingCharacters(in: .whitespacesAndNewlines)
        if markdown.hasPrefix("# ") {
            let titre = markdown.prefix { $0 != "\n" }
            if titre.lowercased().contains("récit") { markdown = String(markdown.dropFirst(titre.count)) }
        }
        return "<div class=\"texte-libre recit\">" + MarkdownSur.html(markdown, niveauDeBase: 3, nomDesTableaux: "Tableau du récit") + "</div>"
    }

    func methodologie() -> String {
        var s = "<div class=\"texte-libre\">" + MarkdownSur.html(d.methodologie, niveauDeBase: 3, nomDesTableaux: "Tableau de la méthodologie") + "</div>"
        s += titre3("Définitions des indicateurs", id: "definitions")
        s += paragraphe("Chaque indicateur est calculé par une requête SQL lisible, livrée avec l'outil (dossier Queries) : le nom du fichier est indiqué pour que chacun puisse vérifier un chiffre.")
        for objectif in ["1", "2", "3", "4", "5", "complementaire"] {
            let liste = d.indicateurs.filter { $0.objectif == objectif }
            guard !liste.isEmpty else { continue }
            let titre = objectif == "complementaire" ? (Libelles.objectifs[objectif] ?? "Indicateurs complémentaires")
                : "Objectif \(objectif) — " + (Libelles.objectifs[objectif] ?? "")
            s += "<h4>\(HTMLTexte.echapper(titre))</h4><dl class=\"definitions\">"
            for i in liste {
                s += "<dt><span class=\"code\">\(HTMLTexte.echapper(i.code))</span> \(HTMLTexte.echapper(i.libelle))</dt>"
                s += "<dd><p>\(HTMLTexte.echapper(i.definition))</p><p class=\"precision\">Périodicité : \(HTMLTexte.echapper(Libelles.periodicite(i.periodicite))) · requête : <code>\(HTMLTexte.echapper(i.fichier))</code>\(i.secret ? " · soumis au secret statistique en diffusion externe" : "")</p></dd>"
            }
            s += "</dl>"
        }
        return s
    }
}
