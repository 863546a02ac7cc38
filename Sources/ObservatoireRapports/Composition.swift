import Foundation
import ObservatoireCore
import ObservatoireIndicateurs

/// Builds the report document from the published figures and the plan: what each section
/// says, in which blocks. Everything about an indicator (its names, how its rate reads, its
/// statistics, its section) comes from the catalogue; nothing here tests an indicator's code.
///
/// ```swift
/// let document = try Composition.rapport(donnees, plan: try Plan.lire("plan-rapport.yml", modeles: modeles), modeles: modeles)
/// ```
public enum Composition {
    public static func rapport(_ d: DonneesRapport, plan: Plan, modeles: Modeles) throws -> DocumentRapport {
        let c = CompositionRapport(d, modeles: modeles)
        var sections: [SectionDocument] = []
        for s in plan.sections {
            var blocs: [Bloc] = []
            for b in s.blocs { blocs += try c.blocs(b, section: s.titre) }
            if !blocs.isEmpty { sections.append(SectionDocument(id: s.id, titre: s.titre, onglet: s.onglet, blocs: blocs)) }
        }
        let annee = String(d.annee)
        let territoire = d.territoire.map { " — territoire « \($0) »" } ?? ""
        let titre = "Rapport d'activité \(annee)" + (d.territoire.map { " — \($0)" } ?? "")
        return DocumentRapport(
            genre: .rapport, titre: titre, titrePage: "\(titre) — \(d.nomC360)",
            sousTitre: "\(d.nomC360)\(territoire) — période du \(d.periode.debut.francais) au \(d.periode.fin.francais)",
            nomC360: d.nomC360, departement: d.departement, extraction: d.extraction, diffusion: d.diffusion, seuil: d.seuil,
            enTeteImpression: "\(d.nomC360) — rapport d'activité \(annee)" + (d.territoire.map { " — \($0)" } ?? ""),
            sections: sections)
    }

    public static func tableauDeBord(_ d: DonneesTableauDeBord, plan: Plan) -> DocumentRapport {
        let c = CompositionTableauDeBord(d)
        var sections: [SectionDocument] = []
        for s in plan.sections {
            let blocs = s.blocs.flatMap { c.blocs($0) }
            let titre = s.titre.replacingOccurrences(of: "{annee}", with: String(c.annee))
                .replacingOccurrences(of: "{mois}", with: String(d.mois.count))
            if !blocs.isEmpty { sections.append(SectionDocument(id: s.id, titre: titre, onglet: s.onglet, blocs: blocs)) }
        }
        let titre = "Tableau de bord — \(c.dernierMois)"
        return DocumentRapport(
            genre: .tableauDeBord, titre: titre, titrePage: "Tableau de bord \(c.dernierMois) — \(d.nomC360)",
            sousTitre: "\(d.nomC360) — \(c.libellePeriode) ; cumul annuel du \(d.cumul.periode.debut.francais) au \(d.cumul.periode.fin.francais)",
            nomC360: d.nomC360, departement: d.departement, extraction: d.extraction, diffusion: d.diffusion, seuil: d.seuil,
            enTeteImpression: "\(d.nomC360) — tableau de bord au \(d.cumul.periode.fin.francais)", sections: sections)
    }

    /// The words of the small-count rule, for the reading notes of every external document.
    static func legendeDuSecret(seuil: Int) -> String {
        "« moins de \(seuil) » : effectif de 1 à \(seuil - 1), masqué (secret statistique) ; « masqué » : effectif (au moins \(seuil)) ou taux retenu pour qu'un petit effectif ne puisse être retrouvé par addition ou soustraction ; « effectif insuffisant » : délai, moyenne ou taux calculés sur moins de \(seuil) demandes, délai moyen, médian ou 90e centile retenu parce qu'une tranche de délai est masquée, ou répartition d'un trop petit total."
    }

    /// What the small-count protection of this diffusion withheld, in one French sentence.
    static func bilanDuSecret(_ b: BilanProtection, seuil: Int) -> String {
        let s = "Dans ce document, \(b.cellules) effectifs différents sont publiés : \(b.petitsEffectifs) sont écrits « moins de \(seuil) », "
            + "\(b.secrets) sont masqués pour qu'aucun de ceux-là ne puisse être retrouvé par addition ou soustraction, "
            + "et \(b.figuresRetenues) taux, parts, moyennes ou lignes de répartition sont retenus (« masqué » ou « effectif insuffisant »)."
        guard b.dejaPublies > 0 else { return s }
        var apres = " Il est protégé après les documents externes déjà publiés : \(b.dejaPublies) effectifs qu'ils montrent, toujours exacts, "
            + "sont tenus pour connus du lecteur et ne sont plus masqués."
        if b.dejaDeductibles > 0 {
            apres += " \(b.dejaDeductibles) petits effectifs se déduisaient déjà de ces documents : ils restent écrits « moins de \(seuil) »."
        }
        return s + apres
    }

    /// Whether the narrative says something: not missing, not empty, not the placeholder
    /// written by `c360 init` (its « À compléter » lines, its headings and comments only).
    public static func recitEcrit(_ texte: String?) -> Bool {
        guard let texte else { return false }
        var t = texte
        while let debut = t.range(of: "<!--") {
            let fin = t.range(of: "-->", range: debut.upperBound..<t.endIndex)?.upperBound ?? t.endIndex
            t.removeSubrange(debut.lowerBound..<fin)
        }
        for ligne in t.split(separator: "\n") {
            let l = ligne.trimmingCharacters(in: .whitespaces)
            if l.isEmpty || l.hasPrefix("#") { continue }
            if l.lowercased().contains("à compléter") { continue }
            return true
        }
        return false
    }
}

/// What both pages share: words, numbering, the tables of indicators.
class CompositionCommune {
    let f: Formulation
    let diffusion: Diffusion
    let seuil: Int

    init(seuil: Int, diffusion: Diffusion) {
        f = Formulation(seuil: seuil)
        self.seuil = seuil
        self.diffusion = diffusion
    }

    static let ordreObjectifs = ["1", "2", "3", "4", "5", "complementaire"]

    static func titreObjectif(_ objectif: String) -> String {
        objectif == "complementaire" ? (Libelles.objectifs[objectif] ?? "Indicateurs complémentaires")
            : "Objectif \(objectif) — " + (Libelles.objectifs[objectif] ?? "")
    }

    func groupesParObjectif(_ valeurs: [ValeurIndicateur], ligne: (ValeurIndicateur) -> LigneDocument) -> [GroupeDocument] {
        CompositionCommune.ordreObjectifs.compactMap { objectif in
            let liste = valeurs.filter { $0.indicateur.objectif == objectif }
            guard !liste.isEmpty else { return nil }
            return GroupeDocument(titre: CompositionCommune.titreObjectif(objectif), lignes: liste.map(ligne))
        }
    }

    /// The reading notes of a table of indicators.
    func notesIndicateurs(atteinte: String) -> [String] {
        var notes = [
            "Taux : pourcentage, avec entre parenthèses le numérateur et le dénominateur.",
            "Non calculable : le dénominateur est nul (aucune demande concernée). Non collecté : l'information n'est pas saisie dans les exports de la période ; ces indicateurs ne sont comptés ni comme atteints ni comme manqués.",
            atteinte,
        ]
        if diffusion == .externe {
            notes.append(Composition.legendeDuSecret(seuil: seuil) + " Une cible n'est pas jugée sur une valeur masquée.")
        }
        return notes
    }

    /// The number a reader sees: the cahier des charges' own; the extras have none (their
    /// codes are the program's, not the reader's).
    func numero(_ i: Indicateur) -> String? { i.estOfficiel ? i.code : nil }

    /// The row header of an indicator in a compact table, with how its rate reads.
    func ligneIndicateur(_ x: ValeurIndicateur, cellules: [Cellule], avecPrecision: Bool = true) -> LigneDocument {
        LigneDocument(code: x.code, numero: numero(x.indicateur), entete: x.indicateur.libelleCourt,
                      precision: avecPrecision ? x.indicateur.taux.map { "taux : \($0)" } : nil, cellules: cellules)
    }

    /// The points of a breakdown for a chart: published counts only.
    func points(_ v: ValeurIndicateur, libelle: (LigneRepartition) -> String, avecPart: Bool) -> [PointGraphique] {
        v.repartition.map { l in
            let n = f.n(l, unite: v.indicateur.unite)
            let p = avecPart ? f.part(l) : .vide
            let texte = p.estChiffre ? "\(n.texte) (\(p.texte))" : n.texte
            return PointGraphique(libelle: libelle(l), valeur: n.estChiffre ? n.nombre : nil, texte: texte, masque: !n.estChiffre)
        }
    }

    func libelleCle(_ l: LigneRepartition, _ v: ValeurIndicateur) -> String {
        Formulation.estMois(l.cle) ? Libelles.cle(l.cle) : Libelles.cle(l.cle, indicateur: v.indicateur)
    }

    /// A breakdown as horizontal bars with its table (N, share, and N-1 when given).
    func figureRepartition(_ v: ValeurIndicateur, precedent p: ValeurIndicateur?, libelleN: String, libelleN1: String,
                           titre: String) -> FigureDocument {
        let i = v.indicateur
        let avecPart = v.repartition.contains { $0.base != nil } || (p?.repartition.contains { $0.base != nil } ?? false)
        let enTeteCle = i.repartition ?? "Catégorie"
        let pts = points(v, libelle: { self.libelleCle($0, v) }, avecPart: avecPart)
        let unite = i.unite == .etp ? "ETP" : "Nombre"
        let axe = i.unite == .etp ? "Équivalents temps plein (ETP)" : "Nombre de \(i.compte)"
        let description = "Barres horizontales, une par ligne de « \(enTeteCle.lowercased()) » : "
            + pts.map { "\($0.libelle) : \($0.texte)" }.joined(separator: " ; ") + ". Les mêmes chiffres sont dans le tableau qui suit."
        let graphique = Graphique(genre: .barres, titre: titre, description: description, axeX: axe, serie: pts, nomSerie: libelleN,
                                  entiers: i.unite != .etp)
        var colonnes = ["\(unite) \(libelleN)"]
        if avecPart { colonnes.append("Part \(libelleN)") }
        if p != nil {
            colonnes.append("\(unite) \(libelleN1)")
            if avecPart { colonnes.append("Part \(libelleN1)") }
        }
        let lignes: [LigneDocument] = v.repartition.map { l in
            var c: [Cellule] = [.mesure(f.n(l, unite: i.unite))]
            if avecPart { c.append(.mesure(f.part(l))) }
            if let p {
                let lp = p.repartition.first { $0.cle == l.cle }
                c.append(.mesure(lp == nil ? .absent : f.n(lp, unite: i.unite)))
                if avecPart { c.append(.mesure(lp == nil ? .absent : f.part(lp))) }
            }
            return LigneDocument(entete: libelleCle(l, v), cellules: c)
        }
        var pied: [LigneDocument] = []
        if i.additive {
            var c: [Cellule] = [.mesure(total(v))]
            if avecPart { c.append(.vide) }
            if let p {
                c.append(.mesure(total(p)))
                if avecPart { c.append(.vide) }
            }
            pied.append(LigneDocument(entete: "Total", cellules: c))
        }
        let tableau = TableauDocument(legende: titre, enTeteLignes: enTeteCle, colonnes: colonnes,
                                      groupes: [GroupeDocument(titre: nil, lignes: lignes)], pied: pied)
        return FigureDocument(graphique: graphique, tableau: tableau, note: i.lecture, colonneSerie: 0)
    }

    /// The total of an additive breakdown: the base of its shares when there is one, else the value.
    func total(_ v: ValeurIndicateur) -> Mesure {
        if let m = f.statutGlobal(v) { return f.enMots(m) }
        // Withheld by the small-count rule: its words (never the indicator's own value, which
        // is not the total of 1.6, 3.1 or x.rapt).
        if let r = v.totalRepartitionRetenu { return f.enMots(f.mots(r, nature: .effectif), etat: .masque) }
        if let base = v.repartition.compactMap(\.base).first {
            return f.chiffre(base, v.indicateur.unite == .etp ? .etp : .entier)
        }
        return f.valeur(v)
    }

    func bilanCibles(_ valeurs: [ValeurIndicateur]) -> Bloc? {
        let avecCible = valeurs.filter { $0.cible != nil }
        guard !avecCible.isEmpty else { return nil }
        let atteintes = avecCible.filter { f.atteinte($0) == .atteinte }.count
        let non = avecCible.filter { f.atteinte($0) == .nonAtteinte }.count
        let autres = avecCible.count - atteintes - non
        var t = "Cibles de la feuille de route : \(atteintes) atteinte\(atteintes > 1 ? "s" : "") et \(non) non atteinte\(non > 1 ? "s" : "") sur \(avecCible.count) indicateur\(avecCible.count > 1 ? "s" : "") ayant une cible"
        if autres > 0 {
            t += " ; \(autres) sans valeur à comparer (non collecté, non calculable ou masqué), qui ne comptent ni comme atteintes ni comme manquées"
        }
        return .paragraphe(t + ".", .bilan)
    }
}

// MARK: - The annual report

final class CompositionRapport: CompositionCommune {
    let d: DonneesRapport
    let modeles: Modeles
    let n: String
    let n1: String

    init(_ d: DonneesRapport, modeles: Modeles) {
        self.d = d
        self.modeles = modeles
        n = String(d.annee)
        n1 = String(d.annee - 1)
        super.init(seuil: d.seuil, diffusion: d.diffusion)
    }

    var t: TableauIndicateurs { d.tableau }
    func v(_ code: String) -> ValeurIndicateur? { t[code] }
    func p(_ code: String) -> ValeurIndicateur? { t.precedent(code) }
    func section(_ s: Indicateur.Section) -> [ValeurIndicateur] { t.indicateurs.filter { $0.indicateur.section == s } }

    func blocs(_ b: Plan.Bloc, section titre: String) throws -> [Bloc] {
        switch b {
        case .chiffresCles(let choix): return [chiffresCles(choix)]
        case .bilanCibles: return bilanCibles(t.indicateurs).map { [$0] } ?? []
        case .cahierDesCharges: return cahierDesCharges()
        case .indicateurs(let s): return tableIndicateurs(section(s), titre: titre)
        case .repartitions(let s): return section(s).flatMap(repartition)
        case .statistiques(let s): return section(s).flatMap(statistiques)
        case .mensuel(let code): return mensuel(code)
        case .parTerritoire(let code): return parTerritoire(code)
        case .territoires: return territoires()
        case .mensuelParTerritoire(let code): return mensuelParTerritoire(code)
        case .qualite: return qualite()
        case .recit: return recit()
        case .methodologie: return try methodologie()
        case .annexeTechnique: return try annexeTechnique()
        case .texte(let s): return [.paragraphe(s, .normal)]
        case .cumul, .tendances, .moisParMois, .barresTerritoires, .lecture:
            return []   // dashboard blocks: nothing to show in the annual report
        }
    }

    // MARK: Key figures

    func chiffresCles(_ choix: [Plan.ChoixChiffreCle]) -> Bloc {
        let cartes: [ChiffreCle] = choix.compactMap { c in
            guard let x = v(c.code) else { return nil }
            let i = x.indicateur
            let px = p(c.code)
            let principal = c.taux ? f.taux(x) : f.valeur(x)
            var details: [String] = []
            if f.statutGlobal(x) == nil {
                if c.taux, let phrase = i.taux {
                    details.append("\(f.compte(x.numerateur, retenue: x.numerateurRetenu).texte) sur \(f.compte(x.denominateur, retenue: x.denominateurRetenu).texte) : \(phrase)")
                } else if let phrase = i.taux {
                    details.append("\(f.taux(x).texte) : \(phrase)")
                }
                for nom in i.resume {
                    let m = f.statistique(x, nom)
                    if m.etat != .vide { details.append("\(Libelles.statistique(nom, de: i)) : \(m.texte)") }
                }
            }
            let precedent = px.map { c.taux ? f.taux($0) : f.valeur($0) }
            return ChiffreCle(code: c.code, numero: numero(i), intitule: i.libelleCourt, principal: principal, details: details, precedent: precedent,
                              libellePrecedent: "En \(n1)",
                              evolution: f.evolution(x, px, taux: c.taux), cible: f.cible(x), atteinte: f.atteinte(x))
        }
        return .chiffresCles(cartes)
    }

    // MARK: Indicator tables

    func cahierDesCharges() -> [Bloc] {
        let groupes = groupesParObjectif(t.indicateurs) { x in
            let px = self.p(x.code)
            return LigneDocument(code: x.code, numero: self.numero(x.indicateur), entete: x.indicateur.libelle, cellules: [
                .texte(self.f.cible(x) ?? ""), .texte(Libelles.periodicite(x.indicateur.periodicite)),
                .mesure(self.f.valeur(x)), .mesure(self.f.taux(x, fraction: true)),
                .valeurEtTaux(self.f.valeur(px), px?.indicateur.taux != nil ? self.f.taux(px) : nil), .atteinte(self.f.atteinte(x)),
            ])
        }
        let tableau = TableauDocument(
            legende: "Indicateurs du cahier des charges, \(d.periode.libelle), avec l'année \(n1) (N-1)", enTeteLignes: "Indicateur", avecCode: true,
            colonnes: ["Cible", "Périodicité", "Valeur \(n)", "Taux \(n)", "N-1 (\(n1))", "Atteinte de la cible"],
            groupes: groupes, resume: true)
        return [.tableau(tableau), .notes(notesIndicateurs(atteinte: "Atteinte : la valeur (ou le taux, pour un indicateur qui en a un) est comparée à la cible de la feuille de route."))]
    }

    func tableIndicateurs(_ valeurs: [ValeurIndicateur], titre: String) -> [Bloc] {
        guard !valeurs.isEmpty else { return [] }
        let avecTaux = valeurs.contains { $0.indicateur.taux != nil }
        let lignes = valeurs.map { x -> LigneDocument in
            let px = p(x.code)
            var c: [Cellule] = [.mesure(f.valeur(x))]
            if avecTaux { c.append(.mesure(f.taux(x, fraction: true))) }
            c += [.valeurEtTaux(f.valeur(px), px?.indicateur.taux != nil ? f.taux(px) : nil), .texte(f.cible(x) ?? ""), .atteinte(f.atteinte(x))]
            return ligneIndicateur(x, cellules: c)
        }
        var colonnes = ["Valeur \(n)"]
        if avecTaux { colonnes.append("Taux \(n)") }
        colonnes += ["\(n1) (N-1)", "Cible", "Atteinte de la cible"]
        let legende = "\(titre) : les indicateurs, \(n)"
        return [.tableau(TableauDocument(legende: legende, enTeteLignes: "Indicateur", avecCode: true, colonnes: colonnes,
                                         groupes: [GroupeDocument(titre: nil, lignes: lignes)], resume: true))]
    }

    // MARK: Breakdowns

    /// An indicator's breakdown: its explanation, its statistics when it has some, the chart
    /// and the table, under one heading.
    func repartition(_ x: ValeurIndicateur) -> [Bloc] {
        let i = x.indicateur
        guard i.repartition != nil else { return [] }
        var blocs: [Bloc] = [.titre("\(i.libelleCourt)\(numero(i).map { " (\($0))" } ?? "")"), .paragraphe(i.explication, .normal)]
        if let m = f.statutGlobal(x) {
            return blocs + [.paragraphe("En \(n) : \(m).", .avertissement)]
        }
        blocs += tableStatistiques(x)
        guard !x.repartition.isEmpty else { return blocs + [.paragraphe("Aucune donnée en \(n).", .normal)] }
        if let lecture = i.lecture { blocs.append(.paragraphe(lecture, .avertissement)) }
        var figure = figureRepartition(x, precedent: p(x.code), libelleN: n, libelleN1: n1, titre: "\(i.libelleCourt), \(n)")
        figure.note = nil
        blocs.append(.figure(figure))
        return blocs
    }

    /// The statistics of the indicators that have no breakdown (those with one show theirs with it).
    func statistiques(_ x: ValeurIndicateur) -> [Bloc] {
        let i = x.indicateur
        guard !i.statistiques.isEmpty, i.repartition == nil else { return [] }
        let blocs: [Bloc] = [.titre("\(i.libelleCourt)\(numero(i).map { " (\($0))" } ?? "")"), .paragraphe(i.explication, .normal)]
        if let m = f.statutGlobal(x) { return blocs + [.paragraphe("En \(n) : \(m).", .avertissement)] }
        return blocs + tableStatistiques(x)
    }

    func tableStatistiques(_ x: ValeurIndicateur) -> [Bloc] {
        let i = x.indicateur
        guard !i.statistiques.isEmpty else { return [] }
        let px = p(x.code)
        let lignes = i.statistiques.map { s -> LigneDocument in
            var c: [Cellule] = [.mesure(f.statistique(x, s.nom))]
            if px != nil { c.append(.mesure(f.statistique(px, s.nom))) }
            return LigneDocument(entete: s.libelle, cellules: c)
        }
        var colonnes = [n]
        if px != nil { colonnes.append("\(n1) (N-1)") }
        var blocs: [Bloc] = [.tableau(TableauDocument(legende: "\(i.libelleCourt) : statistiques, \(n)", enTeteLignes: "Statistique", colonnes: colonnes,
                                                      groupes: [GroupeDocument(titre: nil, lignes: lignes)]))]
        if let c = f.cible(x) { blocs.append(.paragraphe("Cible : \(c) ; \(f.atteinte(x).texte).", .normal)) }
        return blocs
    }

    /// A breakdown by month: columns for N with N-1 as a dashed line, and the table.
    func mensuel(_ code: String) -> [Bloc] {
        guard let x = v(code) else { return [] }
        let i = x.indicateur
        if let m = f.statutGlobal(x) { return [.paragraphe("\(i.libelleCourt) en \(n) : \(m).", .avertissement)] }
        let px = p(code)
        let serie = points(x, libelle: { Formulation.moisCourt($0.cle) }, avecPart: false)
        let precedente = px.map { pv in
            x.repartition.map { l -> PointGraphique in
                let lp = pv.repartition.first { String($0.cle.suffix(2)) == String(l.cle.suffix(2)) }
                let m = f.n(lp, unite: i.unite)
                return PointGraphique(libelle: Formulation.moisCourt(l.cle), valeur: m.estChiffre ? m.nombre : nil, texte: m.texte, masque: !m.estChiffre)
            }
        }
        var description = "Colonnes : \(i.compte) de chaque mois de \(n) (total \(f.valeur(x).texte))"
        if let px { description += " ; ligne pointillée avec des ronds : les mêmes mois de \(n1) (total \(f.valeur(px).texte))" }
        description += ". " + serie.map { "\($0.libelle) : \($0.texte)" }.joined(separator: ", ") + ". Les valeurs sont reprises dans le tableau qui suit."
        let titre = "\(i.libelleCourt) par mois, \(n)\(px != nil ? " et \(n1)" : "")"
        let graphique = Graphique(genre: .colonnes, titre: titre, description: description, axeX: "Mois", axeY: "Nombre de \(i.compte)",
                                  serie: serie, nomSerie: n, precedent: precedente, nomPrecedent: n1)
        let lignes = x.repartition.map { l -> LigneDocument in
            var c: [Cellule] = [.mesure(f.n(l, unite: i.unite))]
            if let px {
                let lp = px.repartition.first { String($0.cle.suffix(2)) == String(l.cle.suffix(2)) }
                c.append(.mesure(f.n(lp, unite: i.unite)))
            }
            return LigneDocument(entete: Formulation.moisLong(l.cle), cellules: c)
        }
        var colonnes = [n]
        if px != nil { colonnes.append(n1) }
        var pied: [Cellule] = [.mesure(f.valeur(x))]
        if let px { pied.append(.mesure(f.valeur(px))) }
        let tableau = TableauDocument(legende: "\(i.libelleCourt) par mois (indicateur \(i.code))", enTeteLignes: "Mois", colonnes: colonnes,
                                      groupes: [GroupeDocument(titre: nil, lignes: lignes)], pied: [LigneDocument(entete: "Total", cellules: pied)])
        return [.paragraphe(i.explication, .normal), .figure(FigureDocument(graphique: graphique, tableau: tableau, note: nil, colonneSerie: 0))]
    }

    // MARK: Territories

    func parTerritoire(_ code: String) -> [Bloc] {
        guard !d.territoires.isEmpty, let x = v(code) else { return [] }
        let i = x.indicateur
        let pts: [PointGraphique] = d.territoires.map { t in
            let m = f.valeur(t[code])
            return PointGraphique(libelle: t.territoire, valeur: m.estChiffre ? m.nombre : nil, texte: m.texte, masque: !m.estChiffre)
        }
        let titre = "\(i.libelleCourt) par territoire, \(n)"
        let graphique = Graphique(genre: .barres, titre: titre,
                                  description: "Barres horizontales, une par territoire : " + pts.map { "\($0.libelle) : \($0.texte)" }.joined(separator: " ; ") + ". Détail dans le tableau qui suit.",
                                  axeX: i.libelleCourt + (i.unite == .jours ? " (jours)" : ""), serie: pts, nomSerie: n, entiers: i.unite == .nombre)
        // The statistics describe the value (a mean delay among them) when the indicator has some.
        let stats = i.statistiques
        let lignes = d.territoires.map { t -> LigneDocument in
            LigneDocument(entete: t.territoire, cellules: stats.isEmpty ? [.mesure(f.valeur(t[code]))] : stats.map { .mesure(f.statistique(t[code], $0.nom)) })
        }
        let tableau = TableauDocument(legende: titre, enTeteLignes: "Territoire", colonnes: stats.isEmpty ? [i.libelleCourt] : stats.map(\.libelle),
                                      groupes: [GroupeDocument(titre: nil, lignes: lignes)], large: stats.count > 2)
        // The workbook's chart plots the column of the value (the mean among the statistics).
        let colonne = stats.firstIndex { $0.unite.rawValue == i.unite.rawValue } ?? 0
        return [.titre(titre), .figure(FigureDocument(graphique: graphique, tableau: tableau, note: nil, colonneSerie: colonne))]
    }

    func territoires() -> [Bloc] {
        if d.territoire != nil { return [] }
        guard !d.territoires.isEmpty else { return [.paragraphe("Aucun territoire n'est renseigné pour les sollicitations de \(n).", .normal)] }
        let colonnes = d.territoires.map(\.territoire) + ["Ensemble"]
        let lignes = t.indicateurs.filter(\.indicateur.territorial).map { x in
            ligneIndicateur(x, cellules: d.territoires.map { tt in
                .valeurEtTaux(f.valeur(tt[x.code]), x.indicateur.taux != nil ? f.taux(tt[x.code]) : nil)
            } + [.valeurEtTaux(f.valeur(x), x.indicateur.taux != nil ? f.taux(x) : nil)], avecPrecision: false)
        }
        return [
            .paragraphe("Chaque indicateur calculé pour les demandes de chaque territoire (l'équipe, l'annuaire et les membres cœur portent sur toute la C360 et ne sont pas découpés). La colonne « Ensemble » rappelle la valeur de toute la C360.", .normal),
            .tableau(TableauDocument(legende: "Indicateurs par territoire, \(d.periode.libelle) (valeur, et taux en dessous quand l'indicateur en a un)",
                                     enTeteLignes: "Indicateur", avecCode: true, colonnes: colonnes,
                                     groupes: [GroupeDocument(titre: nil, lignes: lignes)], large: colonnes.count > 3)),
        ]
    }

    func mensuelParTerritoire(_ code: String) -> [Bloc] {
        guard d.territoire == nil, !d.territoires.isEmpty, let x = v(code) else { return [] }
        let i = x.indicateur
        let titre = "\(i.libelleCourt) par mois et par territoire, \(n)"
        let panneaux = d.territoires.map { t in
            PanneauGraphique(titre: "\(t.territoire) — \(f.valeur(t[code]).texte)",
                             points: t[code].map { points($0, libelle: { Formulation.moisCourt($0.cle) }, avecPart: false) } ?? [])
        }
        let description = "Petits graphiques : pour chaque territoire, \(i.compte) de chaque mois de \(n), sur la même échelle. Totaux : "
            + d.territoires.map { "\($0.territoire) \(f.valeur($0[code]).texte)" }.joined(separator: ", ") + ". Les valeurs mensuelles sont dans le tableau qui suit."
        let graphique = Graphique(genre: .petitsMultiples, titre: titre, description: description,
                                  axeY: "Nombre de \(i.compte) par mois (janvier à décembre)", panneaux: panneaux)
        let mois = x.repartition.map(\.cle)
        let lignes = d.territoires.map { t -> LigneDocument in
            let tx = t[code]
            return LigneDocument(entete: t.territoire, cellules: mois.map { m in .mesure(f.n(tx?.repartition.first { $0.cle == m }, unite: i.unite)) } + [.mesure(f.valeur(tx))])
        }
        let tableau = TableauDocument(legende: titre, enTeteLignes: "Territoire", colonnes: mois.map(Formulation.moisCourt) + ["Total"],
                                      groupes: [GroupeDocument(titre: nil, lignes: lignes)], large: true)
        return [.titre(titre), .figure(FigureDocument(graphique: graphique, tableau: tableau, note: nil, colonneSerie: 0, pleine: true))]
    }

    // MARK: Data quality

    func qualite() -> [Bloc] {
        let q = d.qualite
        guard !q.imports.isEmpty else { return [.paragraphe("Aucun fichier n'a encore été importé dans la base de l'observatoire.", .normal)] }
        // The row counts of the files add up to the requests and propositions of every period:
        // in `externe` they would give away what the small-count rule withholds. Words only.
        if diffusion == .externe {
            return [.paragraphe("Chaque ligne des exports est enregistrée ou rejetée avec son motif : aucune n'est perdue. Un tableur réexporté en entier chaque mois ne compte qu'une fois. Le détail (fichiers, lignes enregistrées et rejetées, motifs) figure dans la version interne de ce document : ses effectifs, qui recoupent ceux des indicateurs, ne sont pas diffusés à l'extérieur.", .normal)]
        }
        func e(_ x: Int) -> Mesure { f.compte(Double(x), retenue: nil) }
        var blocs: [Bloc] = [.paragraphe("État actuel de la base : \(e(q.totalImportees).texte) lignes enregistrées, \(e(q.totalRejetees).texte) lignes des exports rejetées (à corriger dans l'outil de suivi) et \(e(q.totalAvertissements).texte) lignes enregistrées avec un avertissement. Chaque ligne lue est enregistrée ou rejetée avec son motif : aucune n'est perdue. Un tableur réexporté en entier chaque mois ne compte qu'une fois : ces chiffres décrivent l'état présent, pas la somme des imports.", .normal)]
        let tables = q.tables.filter { $0.enregistrees + $0.rejetees + $0.avertissements > 0 }
        blocs.append(.tableau(TableauDocument(
            legende: "État de la base par table", enTeteLignes: "Table", colonnes: ["Lignes enregistrées", "Lignes rejetées", "Avertissements"],
            groupes: [GroupeDocument(titre: nil, lignes: tables.map { LigneDocument(entete: $0.table, cellules: [.mesure(e($0.enregistrees)), .mesure(e($0.rejetees)), .mesure(e($0.avertissements))]) })],
            pied: [LigneDocument(entete: "Total", cellules: [.mesure(e(q.totalImportees)), .mesure(e(q.totalRejetees)), .mesure(e(q.totalAvertissements))])])))
        blocs.append(.tableau(TableauDocument(
            legende: "Fichiers de l'état actuel (dernier import de chaque source)", enTeteLignes: "Fichier",
            colonnes: ["Table", "Profil", "Importé le", "Lignes lues", "Enregistrées", "Rejetées"],
            groupes: [GroupeDocument(titre: nil, lignes: q.imports.map { i in
                LigneDocument(entete: i.fichier, cellules: [.texte(i.table), .texte(i.profil ?? "—"), .texte(CompositionRapport.dateImport(i.date)),
                                                            .mesure(e(i.lues)), .mesure(e(i.importees)), .mesure(e(i.rejetees))])
            })], large: true)))
        if q.rejetsParRegle.isEmpty {
            blocs.append(.paragraphe("Aucune ligne rejetée dans l'état actuel.", .normal))
        } else {
            blocs.append(.titre("Lignes rejetées par motif"))
            blocs.append(.tableau(TableauDocument(legende: "Lignes rejetées par motif", enTeteLignes: "Motif", colonnes: ["Code de la règle", "Lignes rejetées"],
                groupes: [GroupeDocument(titre: nil, lignes: q.rejetsParRegle.map { LigneDocument(entete: majuscule($0.libelle), cellules: [.texte($0.regle), .mesure(e($0.n))]) })])))
        }
        if !q.avertissementsParRegle.isEmpty {
            blocs.append(.titre("Lignes enregistrées avec un avertissement"))
            blocs.append(.tableau(TableauDocument(legende: "Avertissements par motif", enTeteLignes: "Motif", colonnes: ["Code de la règle", "Lignes"],
                groupes: [GroupeDocument(titre: nil, lignes: q.avertissementsParRegle.map { LigneDocument(entete: majuscule($0.libelle), cellules: [.texte($0.regle), .mesure(e($0.n))]) })])))
        }
        if q.totalRejetees + q.totalAvertissements > 0 {
            blocs.append(.paragraphe("Le détail ligne par ligne (fichier, ligne, colonne, motif, où corriger) est donné à la coordination par la commande « c360 rejets » ; il n'est pas reproduit ici.", .precision))
        }
        return blocs
    }

    func majuscule(_ s: String) -> String { s.prefix(1).uppercased() + s.dropFirst() }

    /// The ledger's timestamp in French when it can be read, as stored otherwise.
    static func dateImport(_ s: String) -> String {
        if let date = Horodatage.lire(s) { return Horodatage.francais(date) }
        if let j = Jour(iso: String(s.prefix(10))) { return j.francais }
        return s
    }

    // MARK: Narrative, methodology, annex

    /// The narrative; nothing at all while it is missing or still the placeholder.
    func recit() -> [Bloc] {
        // A narrative file that exists but cannot be taken (a link, a FIFO, too large): said so.
        if let probleme = d.recitIllisible {
            let raison = probleme.range(of: "n'a pas été repris : ").map { String(probleme[$0.upperBound...]) } ?? probleme
            return [.paragraphe("Récit non repris (« \(d.cheminRecit) ») : " + raison, .avertissement)]
        }
        guard Composition.recitEcrit(d.recit), let texte = d.recit else { return [] }
        // The narrative's own title (« # Récit de l'année — … ») would repeat the section's.
        var markdown = texte.trimmingCharacters(in: .whitespacesAndNewlines)
        if markdown.hasPrefix("# ") {
            let titre = markdown.prefix { $0 != "\n" }
            if titre.lowercased().contains("récit") { markdown = String(markdown.dropFirst(titre.count)) }
        }
        return [.markdown(markdown, nomDesTableaux: "Tableau du récit")]
    }

    func methodologie() throws -> [Bloc] {
        let definitions = d.indicateurs.map { i in
            Definition(code: i.code, titre: i.libelle, texte: i.explication,
                       precision: "Périodicité : \(Libelles.periodicite(i.periodicite).lowercased())" + (i.taux.map { " · taux : \($0)" } ?? ""))
        }
        var blocs: [Bloc] = [.markdown(try modeles.texte("methodologie.md"), nomDesTableaux: "Tableau de la méthodologie")]
        if let b = d.tableau.protection { blocs.append(.paragraphe(Composition.bilanDuSecret(b, seuil: d.seuil), .normal)) }
        return blocs + [.titre("Ce que mesure chaque indicateur"), .definitions(definitions)]
    }

    func annexeTechnique() throws -> [Bloc] {
        let definitions = d.indicateurs.map { i in
            Definition(code: i.code, titre: i.libelle, texte: i.definition,
                       precision: "Requête : Queries/\(i.fichier) · unité : \(i.unite.rawValue)" + (i.secret ? " · soumis au secret statistique en diffusion externe" : ""))
        }
        return [.markdown(try modeles.texte("annexe-technique.md"), nomDesTableaux: "Tableau de l'annexe"),
                .titre("Définitions exactes et requêtes"), .definitions(definitions)]
    }
}

// MARK: - The dashboard

final class CompositionTableauDeBord: CompositionCommune {
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
    func moisCourt(_ p: Periode) -> String { Libelles.moisCourt(CompositionTableauDeBord.cle(p)) }
    func moisLong(_ p: Periode) -> String { Libelles.cle(CompositionTableauDeBord.cle(p)) }
    var dernierMois: String { d.mois.last.map(moisLong) ?? "" }
    var libellePeriode: String {
        guard let premier = d.mois.first, let dernier = d.mois.last else { return "" }
        return "de \(moisLong(premier)) à \(moisLong(dernier))"
    }

    func blocs(_ b: Plan.Bloc) -> [Bloc] {
        switch b {
        case .cumul: return cumul()
        case .tendances: return tendances()
        case .moisParMois: return moisParMois()
        case .territoires: return territoires()
        case .barresTerritoires(let code): return barresTerritoires(code)
        case .lecture: return [.notes(lecture())]
        case .bilanCibles: return bilanCibles(d.cumul.indicateurs).map { [$0] } ?? []
        case .texte(let s): return [.paragraphe(s, .normal)]
        default: return []   // annual report blocks
        }
    }

    func cumul() -> [Bloc] {
        let t = d.cumul
        let groupes = groupesParObjectif(t.indicateurs) { x in
            let px = t.precedent(x.code)
            return self.ligneIndicateur(x, cellules: [
                .mesure(self.f.valeur(x)), .mesure(self.f.taux(x, fraction: true)),
                .valeurEtTaux(self.f.valeur(px), px?.indicateur.taux != nil ? self.f.taux(px) : nil),
                .texte(self.f.cible(x) ?? ""), .atteinte(self.f.atteinte(x)),
            ], avecPrecision: false)
        }
        var blocs: [Bloc] = [
            .paragraphe("Du \(t.periode.debut.francais) au \(t.periode.fin.francais), comparé à la même période de \(annee - 1). Les propositions des demandes les plus récentes peuvent encore arriver : les derniers mois se complètent d'un tableau de bord à l'autre.", .normal),
        ]
        if let b = bilanCibles(t.indicateurs) { blocs.append(b) }
        blocs.append(.tableau(TableauDocument(legende: "Indicateurs depuis le 1er janvier \(annee), avec la même période de \(annee - 1) et les cibles",
                                              enTeteLignes: "Indicateur", avecCode: true,
                                              colonnes: [n, "Taux", n1, "Cible", "Atteinte de la cible"], groupes: groupes, resume: true)))
        return blocs
    }

    func serie(_ code: String) -> [ValeurIndicateur?] { d.parMois.map { mois in mois.first { $0.code == code } } }

    func tendances() -> [Bloc] {
        guard let premier = d.mois.first, let dernier = d.mois.last else { return [.paragraphe("Aucun mois à montrer.", .normal)] }
        var cartes: [Tendance] = []
        for x in d.cumul.indicateurs {
            let i = x.indicateur
            let valeurs = serie(i.code)
            let aUnTaux = i.taux != nil
            let mesures = valeurs.map { f.principale($0) }
            let pts: [PointGraphique] = zip(d.mois, mesures).map { m, mesure in
                PointGraphique(libelle: moisCourt(m), valeur: mesure.estChiffre ? mesure.nombre : nil, texte: mesure.texte, masque: !mesure.estChiffre)
            }
            let nature = aUnTaux ? "taux du mois" : (i.unite == .jours ? "délai moyen du mois" : (i.unite == .etp ? "ETP du mois" : "nombre du mois"))
            let description = "Colonnes, \(nature), de \(moisLong(premier)) à \(moisLong(dernier)) : " + pts.map { "\($0.libelle) \($0.texte)" }.joined(separator: ", ") + "."
            let graphique = Graphique(genre: .colonnettes, titre: "\(numero(i).map { $0 + " " } ?? "")\(i.libelleCourt) : \(nature), \(d.mois.count) mois", description: description,
                                      serie: pts, entiers: !aUnTaux && i.unite == .nombre,
                                      unite: aUnTaux ? "\u{00A0}%" : (i.unite == .jours ? "\u{00A0}j" : ""))
            let derniere = mesures.last ?? .absent
            var dernierTexte = "\(moisLong(dernier)) : \(derniere.texte)"
            if aUnTaux && derniere.estChiffre { dernierTexte += " (\(i.taux ?? "taux"))" }
            var precisions = ["\(n) : \(f.principale(x).texte)"]
            if let px = d.cumul.precedent(i.code) { precisions[0] += " ; \(annee - 1) : \(f.principale(px).texte)" }
            cartes.append(Tendance(code: i.code, numero: numero(i), titre: i.libelleCourt, dernier: dernierTexte, dernierMasque: !derniere.estChiffre,
                                   precisions: precisions, cible: f.cible(x), atteinte: f.atteinte(x), graphique: graphique))
        }
        return [
            .paragraphe("Une colonne par mois, de \(moisLong(premier)) à \(moisLong(dernier)) ; la dernière colonne est le mois le plus récent. Pour un indicateur qui a un taux, c'est le taux du mois qui est tracé. Un mois dont la valeur n'est pas publiée (petit effectif, non calculable) n'a pas de colonne. Les valeurs sont reprises dans les tableaux « Indicateurs mois par mois ».", .normal),
            .tendances(cartes),
        ]
    }

    func moisParMois() -> [Bloc] {
        var blocs: [Bloc] = [.paragraphe("Valeur de chaque indicateur pour chaque mois (et son taux en dessous quand il en a un). Un mois est une période à part entière : les taux et délais y sont calculés sur les demandes reçues ce mois-là.", .normal)]
        let tranches = stride(from: 0, to: d.mois.count, by: 12).map { Array($0..<min($0 + 12, d.mois.count)) }
        for tranche in tranches {
            guard let premier = tranche.first, let dernier = tranche.last else { continue }
            let groupes = groupesParObjectif(d.cumul.indicateurs) { c in
                self.ligneIndicateur(c, cellules: tranche.map { k in
                    let x = self.d.parMois[k].first { $0.code == c.code }
                    return .valeurEtTaux(self.f.valeur(x), c.indicateur.taux != nil ? self.f.taux(x) : nil)
                }, avecPrecision: false)
            }
            let titre = "De \(moisLong(d.mois[premier])) à \(moisLong(d.mois[dernier]))"
            blocs.append(.titre(titre))
            blocs.append(.tableau(TableauDocument(legende: "Indicateurs mois par mois, \(titre.lowercased())", enTeteLignes: "Indicateur", avecCode: true,
                                                  colonnes: tranche.map { moisCourt(d.mois[$0]) }, groupes: groupes, large: true)))
        }
        return blocs
    }

    func territoires() -> [Bloc] {
        guard !d.territoires.isEmpty else { return [.paragraphe("Aucun territoire n'est renseigné pour les demandes de la période.", .normal)] }
        let colonnes = d.territoires.map(\.territoire) + ["Ensemble"]
        let lignes = d.cumul.indicateurs.filter(\.indicateur.territorial).map { x in
            ligneIndicateur(x, cellules: d.territoires.map { tt in
                .valeurEtTaux(f.valeur(tt[x.code]), x.indicateur.taux != nil ? f.taux(tt[x.code]) : nil)
            } + [.valeurEtTaux(f.valeur(x), x.indicateur.taux != nil ? f.taux(x) : nil)], avecPrecision: false)
        }
        return [
            .paragraphe("Indicateurs depuis le 1er janvier \(annee) pour les demandes de chaque territoire ; la colonne « Ensemble » rappelle la valeur de toute la C360.", .normal),
            .tableau(TableauDocument(legende: "Indicateurs par territoire depuis le 1er janvier \(annee)", enTeteLignes: "Indicateur", avecCode: true,
                                     colonnes: colonnes, groupes: [GroupeDocument(titre: nil, lignes: lignes)], large: colonnes.count > 3)),
        ]
    }

    func barresTerritoires(_ code: String) -> [Bloc] {
        guard !d.territoires.isEmpty, let x = d.cumul[code] else { return [] }
        let i = x.indicateur
        let mesures = d.territoires.map { f.principale($0[code]) }
        let pts = zip(d.territoires, mesures).map { t, m in
            PointGraphique(libelle: t.territoire, valeur: m.estChiffre ? m.nombre : nil, texte: m.texte, masque: !m.estChiffre)
        }
        let titre = "\(i.libelleCourt) depuis le 1er janvier \(annee), par territoire"
        let graphique = Graphique(genre: .barres, titre: titre,
                                  description: "Barres horizontales, une par territoire : " + pts.map { "\($0.libelle) : \($0.texte)" }.joined(separator: " ; ") + ".",
                                  axeX: i.taux != nil ? "Taux (%)" : "Nombre de \(i.compte)", serie: pts, nomSerie: n, entiers: i.taux == nil && i.unite == .nombre)
        let tableau = TableauDocument(legende: titre, enTeteLignes: "Territoire", colonnes: [i.libelleCourt],
                                      groupes: [GroupeDocument(titre: nil, lignes: zip(d.territoires, mesures).map { LigneDocument(entete: $0.territoire, cellules: [.mesure($1)]) })])
        return [.titre(i.libelleCourt + " par territoire"), .figure(FigureDocument(graphique: graphique, tableau: tableau, note: nil, colonneSerie: 0))]
    }

    func lecture() -> [String] {
        var notes = [
            "Taux : pourcentage, avec entre parenthèses le numérateur et le dénominateur.",
            "Non calculable : le dénominateur est nul (aucune demande concernée). Non collecté : l'information n'est pas saisie dans les exports ; ces indicateurs ne comptent ni comme atteints ni comme manqués.",
            "Règle de cohorte : une proposition compte pour le mois de sa demande ; les derniers mois se complètent à mesure que les propositions arrivent.",
            "Atteinte : la valeur (ou le taux) depuis le 1er janvier est comparée à la cible de la feuille de route.",
            "Les indicateurs de l'équipe, de l'annuaire et des membres cœur portent sur toute la C360 et ne sont pas découpés par territoire.",
        ]
        if d.diffusion == .externe {
            notes.append(Composition.legendeDuSecret(seuil: seuil))
            if let b = d.cumul.protection { notes.append(Composition.bilanDuSecret(b, seuil: seuil)) }
        }
        return notes
    }
}
