import Foundation
import GRDB
import ObservatoireCore
import ObservatoireIndicateurs
import ObservatoireStore

/// The indicators of one territory.
public struct TableauTerritoire: Sendable {
    public var territoire: String
    public var valeurs: [ValeurIndicateur]

    public subscript(code: String) -> ValeurIndicateur? { valeurs.first { $0.code == code } }
}

/// One file of the current state (its last import), for the data quality sheet.
public struct LigneImport: Sendable, Equatable {
    public var fichier: String
    public var table: String
    public var profil: String?
    public var date: String
    public var lues: Int
    public var importees: Int
    public var rejetees: Int
}

/// The quality of the data **as they stand in the base** (see ``EtatQualite``): rows stored
/// now, the rejects and warnings that still concern them, and the files that made them — never
/// the sum of past imports (a tracker re-exported every month counts once).
public struct QualiteDonnees: Sendable {
    /// The files of the current state.
    public var imports: [LigneImport] = []
    public var tables: [EtatQualite.Table] = []
    /// Current rejects by rule: (rule, French label, count), largest first.
    public var rejetsParRegle: [(regle: String, libelle: String, n: Int)] = []
    /// Current warnings by rule.
    public var avertissementsParRegle: [(regle: String, libelle: String, n: Int)] = []
    /// Rows stored now.
    public var totalImportees: Int { tables.reduce(0) { $0 + $1.enregistrees } }
    /// Rows of the current exports that are not in the base.
    public var totalRejetees: Int { tables.reduce(0) { $0 + $1.rejetees } }
    public var totalAvertissements: Int { tables.reduce(0) { $0 + $1.avertissements } }
    /// The rows of the current state of the sources: stored or rejected.
    public var totalLues: Int { totalImportees + totalRejetees }
}

/// Everything the annual report shows: the **published** figures, gathered once by
/// ``Preparation`` (the only place that makes one: in `externe` diffusion every figure here has
/// already gone through ``ProtectionDiffusion``, all together), from which ``Composition``
/// builds the document every writer lays out. Read-only outside this module, so no later stage
/// can put a raw value back.
public struct DonneesRapport: Sendable {
    public internal(set) var nomC360: String
    public internal(set) var departement: String
    public internal(set) var annee: Int
    /// The territory of a territory's own report; nil for the whole C360.
    public internal(set) var territoire: String? = nil
    public internal(set) var diffusion: Diffusion
    public internal(set) var seuil: Int
    public internal(set) var extraction: Date
    /// The indicator table of the year, with N-1.
    public internal(set) var tableau: TableauIndicateurs
    /// Every indicator by territory (the year only).
    public internal(set) var territoires: [TableauTerritoire]
    public internal(set) var qualite: QualiteDonnees
    /// The catalogue, from the headers of `Queries/`.
    public internal(set) var indicateurs: [Indicateur]
    /// The coordinator's narrative (Markdown), or nil when the file is missing.
    public internal(set) var recit: String?
    public internal(set) var cheminRecit: String
    /// Why the narrative is not in the report, when its file exists but cannot be taken.
    public internal(set) var recitIllisible: String? = nil

    public var periode: Periode { tableau.periode }
}

/// The monthly dashboard for the COTER: the last 24 months, the year to date against target,
/// and the year to date by territory. Published figures only, like ``DonneesRapport``.
public struct DonneesTableauDeBord: Sendable {
    public internal(set) var nomC360: String
    public internal(set) var departement: String
    public internal(set) var diffusion: Diffusion
    public internal(set) var seuil: Int
    public internal(set) var extraction: Date
    /// The months shown, oldest first, and the indicators of each.
    public internal(set) var mois: [Periode]
    public internal(set) var parMois: [[ValeurIndicateur]]
    /// From 1 January to the end of the last month shown, with the same span a year earlier.
    public internal(set) var cumul: TableauIndicateurs
    public internal(set) var territoires: [TableauTerritoire]
}

/// The render stage's input: gathers the figures of a report from the engine and the ledger.
public enum Preparation {
    /// The annual report of `annee`.
    /// With `territoire`, the territory's own report: its figures are those of
    /// `c360 indicateurs --territoire T` (the team, the directory and the core members stay
    /// the whole C360's), without the breakdown by territory.
    public static func rapport(espace: EspaceDeTravail, base: Base, annee: Int, territoire: String? = nil, diffusion: Diffusion,
                               modeles: Modeles, plan: Plan? = nil, extraction: Date = Date()) throws -> DonneesRapport {
        let config = espace.configuration
        let mensuels = Preparation.mensuels(try plan ?? Plan.lire("plan-rapport.yml", modeles: modeles))
        let moteur = Moteur(base: base, configuration: config)
        let periode = Periode.annee(annee)
        let document = "rapport d'activité \(annee)\(territoire.map { ", " + $0 } ?? "")"
        // The report's tables: the year, N-1, then each territory. The whole C360's external
        // report is protected with the other documents of the year (``PaquetAnnuel``); any
        // other, on its own.
        let tables: (tables: [TableDiffusee], bilan: BilanProtection?)
        if territoire == nil && diffusion == .externe {
            let paquet = try paquetAnnuel(moteur: moteur, annee: annee, mensuels: mensuels)
            let (protegees, bilan) = try moteur.proteger(paquet.tables, imprimees: 0..<paquet.nombreRapport, document: document)
            tables = (Array(protegees.prefix(paquet.nombreRapport)), bilan)
        } else {
            let territoires = territoire == nil ? try moteur.territoires(periode) : []
            let demandes = demandesDuRapport(moteur, periode, territoire: territoire, territoires: territoires)
            var resultats = try moteur.calculerPlusieurs(demandes)
            limiterRepartitions(&resultats, territoires: 2..<demandes.count, mensuels: mensuels)
            tables = try proteger(zip(demandes, resultats).map { TableDiffusee(periode: $0.periode, territoire: $0.territoire, valeurs: $1) },
                                  moteur: moteur, diffusion: diffusion, document: document)
        }
        let tableau = try moteur.assembler(periode, territoire: territoire, diffusion: diffusion, extraction: extraction,
                                           courant: tables.tables[0].valeurs, precedent: tables.tables[1].valeurs,
                                           protegeesAvec: tables.bilan)
        let territoires = tables.tables.dropFirst(2).map { TableauTerritoire(territoire: $0.territoire!, valeurs: $0.valeurs) }
        let recit = Recit.lire(espace)
        return DonneesRapport(
            nomC360: config.nom, departement: config.departement, annee: annee, territoire: territoire, diffusion: diffusion,
            seuil: config.seuilPetitsEffectifs, extraction: extraction, tableau: tableau, territoires: Array(territoires),
            qualite: try qualite(base), indicateurs: moteur.indicateurs,
            recit: recit.texte, cheminRecit: config.chemins.recit, recitIllisible: recit.probleme)
    }

    /// The report's requests to the engine: the year and N-1 (of `territoire`, or the whole
    /// C360), then each of `territoires` with its territorial indicators. In one batch: the
    /// cores share all the queries.
    static func demandesDuRapport(_ moteur: Moteur, _ periode: Periode, territoire: String?,
                                  territoires: [String]) -> [(periode: Periode, territoire: String?, codes: Set<String>?)] {
        let territorial = Set(moteur.indicateurs.filter(\.territorial).map(\.code))
        return [(periode, territoire, nil), (periode.anneePrecedente, territoire, nil)] + territoires.map { (periode, $0, territorial) }
    }

    /// Only what the plan shows is published: the territories' breakdowns are kept for the
    /// indicators drawn month by month for each territory, the rest would be protected (and
    /// counted in the methodology) for nothing.
    static func limiterRepartitions(_ resultats: inout [[ValeurIndicateur]], territoires: Range<Int>, mensuels: Set<String>) {
        for k in territoires {
            for j in resultats[k].indices where !mensuels.contains(resultats[k][j].code) { resultats[k][j].repartition = [] }
        }
    }

    /// The `nombre` months up to the one containing `jusqua`, oldest first.
    static func mois(jusqua: Jour, nombre: Int) -> [Periode] {
        var mois: [Periode] = []
        var m = jusqua.debutDuMois
        for _ in 0..<nombre {
            mois.insert(Periode(debut: m, fin: m.finDuMois), at: 0)
            m = (m - 1).debutDuMois
        }
        return mois
    }

    /// The dashboard for the months up to the one containing `jusqua`.
    public static func tableauDeBord(espace: EspaceDeTravail, base: Base, jusqua: Jour, diffusion: Diffusion,
                                     nombreDeMois: Int = 24, extraction: Date = Date()) throws -> DonneesTableauDeBord {
        let config = espace.configuration
        let moteur = Moteur(base: base, configuration: config)
        let mois = Preparation.mois(jusqua: jusqua, nombre: nombreDeMois)
        let cumulPeriode = Periode(debut: Jour(annee: jusqua.annee, mois: 1, jour: 1)!, fin: jusqua.finDuMois)
        let territorial = Set(moteur.indicateurs.filter(\.territorial).map(\.code))
        let nomsTerritoires = try moteur.territoires(cumulPeriode)
        // The months, the year to date and its N-1, and the territories in one batch, protected
        // together.
        let demandes: [(periode: Periode, territoire: String?, codes: Set<String>?)] =
            mois.map { ($0, nil, nil) } + [(cumulPeriode, nil, nil), (cumulPeriode.anneePrecedente, nil, nil)]
            + nomsTerritoires.map { (cumulPeriode, $0, territorial) }
        // December's dashboard shows the whole year: protected with the other documents of the
        // year (the annual report, the exchange file), which it would otherwise undo. Its own
        // figures are the package's (the same months, year, N-1 and territories): not computed
        // twice.
        let paquet = diffusion == .externe && jusqua.mois == 12 && nombreDeMois == 24
            ? try paquetAnnuel(moteur: moteur, annee: jusqua.annee, mensuels: try mensuelsDuRapport(espace)) : nil
        var resultats: [[ValeurIndicateur]]
        if let paquet {
            let t = paquet.tables, r = paquet.nombreRapport
            resultats = t[r...].map(\.valeurs) + [t[0].valeurs, t[1].valeurs] + t[2..<r].map(\.valeurs)
            for k in resultats.indices { for j in resultats[k].indices { resultats[k][j].repartition = [] } }
        } else {
            // The dashboard shows headline figures only (its plan has no breakdown block).
            resultats = try moteur.calculerPlusieurs(demandes, repartitions: demandes.map { _ in false })
        }
        // Nor does it print any statistic (a delay's median, the requests still without a
        // proposition, the pending decisions…): protecting them as published counts withheld
        // whole rows of requests for nothing (a small C360's every month of 1.1). Those that
        // are counts still follow from what it prints (the propositions less the decided
        // ones): they are protected as counts not printed, then dropped. The count a delay or
        // a mean rests on (`effectif`) stays: it decides whether they are shown.
        let propres = zip(demandes, resultats).map { TableDiffusee(periode: $0.periode, territoire: $0.territoire, valeurs: $1,
                                                                   statistiquesImprimees: false) }
        let document = "tableau de bord \(Periode(debut: jusqua.debutDuMois, fin: jusqua.finDuMois).libelle)"
        var tables: (tables: [TableDiffusee], bilan: BilanProtection?)
        if let paquet {
            let n = paquet.tables.count
            let (protegees, bilan) = try moteur.proteger(paquet.tables + propres, imprimees: n..<(n + propres.count), document: document)
            tables = (Array(protegees[n...]), bilan)
        } else {
            tables = try proteger(propres, moteur: moteur, diffusion: diffusion, document: document)
        }
        for k in tables.tables.indices {
            for j in tables.tables[k].valeurs.indices { sansStatistiques(&tables.tables[k].valeurs[j]) }
        }
        let parMois = tables.tables.prefix(mois.count).map(\.valeurs)
        let cumul = try moteur.assembler(cumulPeriode, diffusion: diffusion, extraction: extraction,
                                         courant: tables.tables[mois.count].valeurs, precedent: tables.tables[mois.count + 1].valeurs,
                                         protegeesAvec: tables.bilan)
        let territoires = tables.tables.suffix(nomsTerritoires.count).map { TableauTerritoire(territoire: $0.territoire!, valeurs: $0.valeurs) }
        return DonneesTableauDeBord(nomC360: config.nom, departement: config.departement, diffusion: diffusion,
                                    seuil: config.seuilPetitsEffectifs, extraction: extraction, mois: mois,
                                    parMois: Array(parMois), cumul: cumul, territoires: territoires)
    }

    /// The tables of the documents of year `annee` sent together to the COTER and the CNSA —
    /// the whole C360's annual report, the dashboard of December, the exchange file of the
    /// year —, which each of them protects with its own: the report's (the year and N-1 with
    /// their breakdowns, each territory with the breakdowns the plan draws month by month),
    /// then the dashboard's 24 months (headline figures, no statistic). Protected separately,
    /// one document published what another masked (the report masked a territory's total to
    /// protect its months, the dashboard printed it). Always the same tables in the same order,
    /// so that each document gets the same pattern from the same data.
    struct PaquetAnnuel {
        var tables: [TableDiffusee]
        /// The report's tables come first: the year, N-1, then each territory.
        var nombreRapport: Int
    }

    static func paquetAnnuel(moteur: Moteur, annee: Int, mensuels: Set<String>) throws -> PaquetAnnuel {
        let periode = Periode.annee(annee)
        let rapport = demandesDuRapport(moteur, periode, territoire: nil, territoires: try moteur.territoires(periode))
        let demandes = rapport + mois(jusqua: periode.fin, nombre: 24).map { (periode: $0, territoire: String?.none, codes: Set<String>?.none) }
        var resultats = try moteur.calculerPlusieurs(demandes, repartitions: demandes.indices.map { $0 < rapport.count })
        limiterRepartitions(&resultats, territoires: 2..<rapport.count, mensuels: mensuels)
        // The dashboard's months print no statistic (``tableauDeBord``).
        return PaquetAnnuel(tables: zip(demandes, resultats).enumerated().map { k, d in
                                TableDiffusee(periode: d.0.periode, territoire: d.0.territoire, valeurs: d.1,
                                              statistiquesImprimees: k < rapport.count) },
                            nombreRapport: rapport.count)
    }

    /// The codes the report's plan draws month by month for each territory.
    static func mensuels(_ plan: Plan) -> Set<String> {
        Set(plan.sections.flatMap(\.blocs).compactMap { b -> String? in
            if case .mensuelParTerritoire(let code) = b { return code } else { return nil }
        })
    }

    static func mensuelsDuRapport(_ espace: EspaceDeTravail) throws -> Set<String> {
        mensuels(try Plan.lire("plan-rapport.yml", modeles: Modeles(espace: espace)))
    }

    /// The dashboard prints no statistic: only the count the others rest on stays.
    static func sansStatistiques(_ v: inout ValeurIndicateur) {
        let effectif = v.indicateur.comptes.effectif
        v.statistiques.removeAll { $0.nom != effectif }
    }

    /// The exchange file of a calendar year for the whole C360, protected with the other
    /// documents of the year (``PaquetAnnuel``); any other period or a territory, on its own.
    public static func indicateurs(espace: EspaceDeTravail, base: Base, periode: Periode, territoire: String?, diffusion: Diffusion,
                                   extraction: Date = Date()) throws -> TableauIndicateurs {
        let moteur = Moteur(base: base, configuration: espace.configuration)
        let annee = periode.debut.annee
        guard diffusion == .externe, territoire == nil, periode == Periode.annee(annee) else {
            return try moteur.tableau(periode, territoire: territoire, diffusion: diffusion, extraction: extraction, repartitionsPrecedentes: false)
        }
        let paquet = try paquetAnnuel(moteur: moteur, annee: annee, mensuels: try mensuelsDuRapport(espace))
        // The year with its breakdowns and N-1's headline figures: the package's own.
        var precedent = paquet.tables[1].valeurs
        for j in precedent.indices { precedent[j].repartition = [] }
        let n = paquet.tables.count
        let (protegees, bilan) = try moteur.proteger(paquet.tables + [TableDiffusee(periode: periode, territoire: nil, valeurs: paquet.tables[0].valeurs),
                                                                     TableDiffusee(periode: periode.anneePrecedente, territoire: nil, valeurs: precedent)],
                                                     imprimees: n..<(n + 2), document: "fichier d'échange \(annee)")
        return try moteur.assembler(periode, diffusion: diffusion, extraction: extraction,
                                    courant: protegees[n].valeurs, precedent: protegees[n + 1].valeurs, protegeesAvec: bilan)
    }

    /// The tables of one diffusion, protected together in `externe` (``ProtectionDiffusion``).
    static func proteger(_ tables: [TableDiffusee], moteur: Moteur, diffusion: Diffusion,
                         document: String) throws -> (tables: [TableDiffusee], bilan: BilanProtection?) {
        guard diffusion == .externe else { return (tables, nil) }
        let (protegees, bilan) = try moteur.proteger(tables, document: document)
        return (protegees, bilan)
    }

    static func qualite(_ base: Base) throws -> QualiteDonnees {
        let etat = try base.file.read { db in try EtatQualite.lire(db) }
        var q = QualiteDonnees()
        q.imports = etat.imports.map { LigneImport(fichier: $0.fichier, table: $0.table, profil: $0.profil, date: $0.date,
                                                   lues: $0.lues, importees: $0.importees, rejetees: $0.rejetees) }
        q.tables = etat.tables
        q.rejetsParRegle = EtatQualite.parRegle(etat.rejets)
        q.avertissementsParRegle = EtatQualite.parRegle(etat.avertissements)
        return q
    }
}

/// A safe file-name part from a free text (the C360's name): lower-case ASCII letters and
/// digits separated by hyphens; never a path separator, never `..`.
///
/// ```swift
/// NomDeFichier.sur("Communauté 360 du Pas-de-Calais")   // "communaute-360-du-pas-de-calais"
/// NomDeFichier.sur("../../etc/passwd")                   // "etc-passwd"
/// ```
public enum NomDeFichier {
    public static func sur(_ texte: String, longueurMax: Int = 60) -> String {
        var s = ""
        var tiret = false
        for scalaire in texte.decomposedStringWithCanonicalMapping.unicodeScalars {
            if scalaire.properties.generalCategory == .nonspacingMark { continue }
            var c = String(scalaire).lowercased()
            if c == "œ" { c = "oe" } else if c == "æ" { c = "ae" }
            if c.unicodeScalars.allSatisfy({ ($0.value >= 97 && $0.value <= 122) || ($0.value >= 48 && $0.value <= 57) }) && !c.isEmpty {
                if tiret && !s.isEmpty { s += "-" }
                s += c
                tiret = false
            } else {
                tiret = true
            }
        }
        if s.count > longueurMax { s = String(s.prefix(longueurMax)).trimmingCharacters(in: CharacterSet(charactersIn: "-")) }
        return s.isEmpty ? "c360" : s
    }

    /// `rapport-activite-<c360>[-<territoire>]-<année>[-externe].<ext>`.
    public static func rapport(nom: String, annee: Int, territoire: String? = nil, diffusion: Diffusion, extension ext: String) -> String {
        "rapport-activite-\(sur(nom))\(territoire.map { "-" + sur($0) } ?? "")-\(annee)\(diffusion == .externe ? "-externe" : "").\(ext)"
    }
}
