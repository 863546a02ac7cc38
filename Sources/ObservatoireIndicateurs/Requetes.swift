import Foundation
import ObservatoireCore

/// One indicator as its SQL file in `Queries/` defines it: the header's metadata (the
/// catalogue: everything the reports need to name, explain, place and protect it) and the SQL.
/// Renderers ask these fields and never test an indicator's code.
public struct Indicateur: Sendable, Equatable {
    public enum Unite: String, Sendable, CaseIterable { case nombre, jours, etp }

    /// The report sections an indicator can belong to (the plans of `Reports/` lay them out).
    public enum Section: String, Sendable, CaseIterable {
        case activite, profils, problematiques, propositions, accompagnement, delais, equipe, complementaires
    }

    public enum Periodicite: String, Sendable, CaseIterable { case mensuelle, trimestrielle, annuelle }

    /// A named statistic of the headline row (mean, median… of 1.7): its unit and its label.
    public struct DefinitionStatistique: Sendable, Equatable {
        public enum Unite: String, Sendable, CaseIterable {
            /// A count: subject to the small-count rule.
            case nombre
            case jours, etp
            /// A plain number with two decimals (an average per person…).
            case decimal
        }
        public var nom: String
        public var unite: Unite
        public var libelle: String
    }

    public var code: String
    /// The wording of the cahier des charges.
    public var libelle: String
    /// The one short name used in cards, charts and compact tables.
    public var libelleCourt: String
    /// Objective of the cahier des charges ("1"…"5"), or "complementaire" for extras.
    public var objectif: String
    public var periodicite: String
    public var unite: Unite
    /// Computed by territory (false for the team, the directory, the core members).
    public var territorial: Bool
    /// Its counts describe persons: the small-count rule applies in `externe` diffusion.
    public var secret: Bool
    /// The breakdown lines add up to the total (secondary suppression applies).
    public var additive: Bool
    /// The report section it belongs to.
    public var section: Section
    /// What the value (or the breakdown) counts, in the plural (« sollicitations »).
    public var compte: String
    /// How its rate reads (« part des propositions… »); nil when it has no rate.
    public var taux: String?
    /// The name of the breakdown's key (« Profil de la personne concernée »); nil without one.
    public var repartition: String?
    /// The statistics of its headline row, in header order.
    public var statistiques: [DefinitionStatistique]
    /// The statistics shown under its key figure.
    public var resume: [String]
    /// A reading note printed with its breakdown.
    public var lecture: String?
    /// Labels of breakdown keys proper to this indicator (« aidant » → « Avec l'aidant »).
    public var libellesCles: [String: String]
    /// The expected keys of the breakdown, in order (missing ones are shown as zero).
    public var cles: [String]
    /// How it is computed, in plain French (the report's body).
    public var explication: String
    /// The exact definition (numerator, denominator, cohort), printed in the technical annex.
    public var definition: String
    /// The file, relative to `Queries/`.
    public var fichier: String
    public var sql: String
    /// What its published counts count (header keys `comptes`, `contraintes`, `effectif`,
    /// `rapports`): the small-count protection derives the relations between cells from it.
    public var comptes = Comptes()
    /// What it reads (header key `entrees`): tables, and the columns a source may not collect.
    /// An indicator whose column is absent from the sources, or empty on every row of the
    /// period, is « non collecté »; one whose tables hold nothing up to the end of the period has
    /// « pas de données ».
    public var entrees: [Entree] = []

    public struct Entree: Sendable, Equatable, Hashable {
        public var table: TableCanonique
        public var colonne: String?
    }

    /// An official indicator of the cahier des charges (codes 1.1 to 5.1).
    public var estOfficiel: Bool { objectif != "complementaire" }

    /// The statistics that are counts (the small-count rule masks them when small).
    public var statistiquesDeComptage: Set<String> {
        Set(statistiques.filter { $0.unite == .nombre }.map(\.nom))
    }

    public func statistique(_ nom: String) -> DefinitionStatistique? {
        statistiques.first { $0.nom == nom }
    }
}

/// The catalogue of indicators: the headers of `Queries/`, typed and checked.
///
/// ```swift
/// let c = Catalogue.integre
/// c["1.7"]?.libelleCourt                  // "Délai avant la première proposition"
/// c.statistiquesDeComptage("1.7")         // ["n", "sans_proposition"]
/// ```
public struct Catalogue: Sendable {
    public let indicateurs: [Indicateur]

    public init(_ indicateurs: [Indicateur]) { self.indicateurs = indicateurs }

    public static let integre = Catalogue(Requetes.integrees)

    public subscript(code: String) -> Indicateur? { indicateurs.first { $0.code == code } }

    /// The statistics of `code` that are counts (empty for an unknown code).
    public func statistiquesDeComptage(_ code: String) -> Set<String> { self[code]?.statistiquesDeComptage ?? [] }

}

/// The indicator queries: the `.sql` files of `Queries/`, shipped with the executable as
/// package resources so that `c360` works from any folder.
public enum Requetes {
    /// The queries built into the executable.
    public static let integrees: [Indicateur] = {
        do {
            return try charger(dossier: dossierIntegre)
        } catch {
            fatalError("Les requêtes intégrées sont illisibles : \(error)")
        }
    }()

    static var dossierIntegre: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Queries", isDirectory: true)
    }

    /// Reads every `.sql` file of a folder, in file-name order (1.1 … 5.1, then the extras).
    public static func charger(dossier: URL) throws -> [Indicateur] {
        let fichiers = try FileManager.default.contentsOfDirectory(at: dossier, includingPropertiesForKeys: nil)
            .filter { $0.pathExtension == "sql" }
            .sorted { $0.lastPathComponent < $1.lastPathComponent }
        let liste = try fichiers.map { url in
            try analyser(try String(contentsOf: url, encoding: .utf8), fichier: url.lastPathComponent)
        }
        var vus = Set<String>()
        for i in liste where !vus.insert(i.code).inserted {
            throw erreur(i.fichier, "le code « \(i.code) » est déjà celui d'une autre requête")
        }
        // Every set counted must be a population of populations.yml (the one beside the queries).
        let urlPopulations = dossier.appendingPathComponent("populations.yml")
        let populations = FileManager.default.fileExists(atPath: urlPopulations.path)
            ? try Populations.lire(try String(contentsOf: urlPopulations, encoding: .utf8)) : Populations.integrees
        for i in liste {
            for e in i.comptes.ensembles where populations[e.base] == nil {
                throw erreur(i.fichier, "« comptes » nomme « \(e) », dont la population « \(e.base) » n'est pas dans populations.yml")
            }
            if i.secret && i.unite == .nombre && i.comptes.champs["valeur"] == nil {
                throw erreur(i.fichier, "l'indicateur est soumis au secret mais « comptes » ne dit pas ce que compte sa valeur")
            }
            // The statistics that are counts are those `comptes` describes: one list, checked.
            if i.secret {
                let comptees = Set(i.comptes.champs.keys).subtracting(["valeur", "numerateur", "denominateur"])
                if comptees != i.statistiquesDeComptage {
                    throw erreur(i.fichier, "les statistiques d'unité « nombre » (\(i.statistiquesDeComptage.sorted().joined(separator: ", "))) ne sont pas celles que « comptes » décrit (\(comptees.sorted().joined(separator: ", ")))")
                }
            }
        }
        return liste
    }

    static let clesSimples: Set<String> = [
        "code", "libelle", "libelle_court", "objectif", "periodicite", "unite", "territorial", "secret", "additive",
        "section", "compte", "taux", "repartition", "resume", "lecture", "cles", "explication", "definition",
        "comptes", "contraintes", "effectif", "rapports", "entrees",
    ]
    static let requises = ["code", "libelle", "libelle_court", "objectif", "periodicite", "unite", "territorial", "secret",
                           "additive", "section", "compte", "explication", "definition", "entrees"]
    static let objectifs: Set<String> = ["1", "2", "3", "4", "5", "complementaire"]

    static func erreur(_ fichier: String, _ quoi: String) -> ErreurObservatoire {
        ErreurObservatoire(.erreurInterne, "En-tête de la requête « \(fichier) » : \(quoi).",
                           conseil: "Voir Queries/README.md pour le format de l'en-tête.")
    }

    /// Parses the header block (`-- cle: valeur`, continued on comment lines indented by at
    /// least three spaces). Unknown keys and values are refused, so that a typo never passes
    /// silently into a report.
    public static func analyser(_ sql: String, fichier: String) throws -> Indicateur {
        var champs: [String: String] = [:]
        var ordreStatistiques: [String] = []
        var derniere: String?
        for ligne in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            guard ligne.hasPrefix("--") else { break }
            let contenu = ligne.dropFirst(2)
            if contenu.hasPrefix("   "), let d = derniere {
                champs[d, default: ""] += " " + contenu.trimmingCharacters(in: .whitespaces)
                continue
            }
            let texte = contenu.trimmingCharacters(in: .whitespaces)
            guard !texte.isEmpty else { continue }
            guard let deuxPoints = texte.firstIndex(of: ":") else {
                throw erreur(fichier, "ligne « \(texte.prefix(40)) » sans « clé: valeur »")
            }
            let cle = String(texte[..<deuxPoints])
            guard clesSimples.contains(cle) || cle.hasPrefix("statistique.") || cle.hasPrefix("cle.") else {
                throw erreur(fichier, "clé « \(cle) » inconnue")
            }
            guard champs[cle] == nil else { throw erreur(fichier, "clé « \(cle) » répétée") }
            champs[cle] = texte[texte.index(after: deuxPoints)...].trimmingCharacters(in: .whitespaces)
            if cle.hasPrefix("statistique.") { ordreStatistiques.append(String(cle.dropFirst("statistique.".count))) }
            derniere = cle
        }
        for cle in requises where (champs[cle] ?? "").isEmpty {
            throw erreur(fichier, "la clé « \(cle) » manque")
        }
        func v(_ cle: String) -> String { champs[cle] ?? "" }
        func optionnel(_ cle: String) throws -> String? {
            guard let x = champs[cle] else { return nil }
            guard !x.isEmpty else { throw erreur(fichier, "la clé « \(cle) » est vide") }
            return x
        }
        func ouiNon(_ cle: String) throws -> Bool {
            switch v(cle) {
            case "oui": return true
            case "non": return false
            default: throw erreur(fichier, "« \(cle) » vaut oui ou non")
            }
        }
        func liste(_ s: String?) -> [String] {
            (s ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty }
        }
        guard let unite = Indicateur.Unite(rawValue: v("unite")) else {
            throw erreur(fichier, "unité « \(v("unite")) » inconnue (nombre, jours ou etp)")
        }
        guard let section = Indicateur.Section(rawValue: v("section")) else {
            throw erreur(fichier, "section « \(v("section")) » inconnue (\(Indicateur.Section.allCases.map(\.rawValue).joined(separator: ", ")))")
        }
        guard Indicateur.Periodicite(rawValue: v("periodicite")) != nil else {
            throw erreur(fichier, "périodicité « \(v("periodicite")) » inconnue (mensuelle, trimestrielle ou annuelle)")
        }
        guard objectifs.contains(v("objectif")) else {
            throw erreur(fichier, "objectif « \(v("objectif")) » inconnu (1 à 5, ou complementaire)")
        }
        var statistiques: [Indicateur.DefinitionStatistique] = []
        for nom in ordreStatistiques {
            let texte = v("statistique." + nom)
            let parties = texte.split(separator: "|", maxSplits: 1).map { $0.trimmingCharacters(in: .whitespaces) }
            guard parties.count == 2, let u = Indicateur.DefinitionStatistique.Unite(rawValue: parties[0]), !parties[1].isEmpty else {
                throw erreur(fichier, "« statistique.\(nom) » s'écrit « unité | libellé », l'unité étant nombre, jours, etp ou decimal")
            }
            statistiques.append(.init(nom: nom, unite: u, libelle: parties[1]))
        }
        let resume = liste(champs["resume"])
        for nom in resume where !ordreStatistiques.contains(nom) {
            throw erreur(fichier, "« resume » cite la statistique « \(nom) », qui n'est pas déclarée (statistique.\(nom))")
        }
        let cles = liste(champs["cles"])
        var libellesCles: [String: String] = [:]
        for (cle, valeur) in champs where cle.hasPrefix("cle.") {
            let k = String(cle.dropFirst(4))
            if !cles.isEmpty && !cles.contains(k) { throw erreur(fichier, "« \(cle) » : la clé « \(k) » n'est pas dans « cles »") }
            guard !valeur.isEmpty else { throw erreur(fichier, "« \(cle) » est vide") }
            libellesCles[k] = valeur
        }
        var entrees: [Indicateur.Entree] = []
        for e in liste(champs["entrees"]) {
            let morceaux = e.split(separator: ".", maxSplits: 1).map(String.init)
            guard let table = TableCanonique(rawValue: morceaux[0]) else {
                throw erreur(fichier, "« entrees » : table « \(morceaux[0]) » inconnue (\(TableCanonique.allCases.map(\.rawValue).joined(separator: ", ")))")
            }
            let colonne = morceaux.count > 1 ? morceaux[1] : nil
            if let colonne, !table.colonnes.contains(where: { $0.nom == colonne }) {
                throw erreur(fichier, "« entrees » : la table \(table.rawValue) n'a pas de colonne « \(colonne) »")
            }
            entrees.append(Indicateur.Entree(table: table, colonne: colonne))
        }
        let comptes: Comptes
        do {
            comptes = try Comptes.lire(comptes: champs["comptes"], contraintes: champs["contraintes"],
                                       effectif: champs["effectif"], rapports: champs["rapports"])
        } catch let e as ErreurComptes {
            throw ErreurObservatoire(.erreurInterne, "La requête « \(fichier) » a un en-tête « comptes » invalide : \(e.message).",
                                     conseil: "Voir Queries/README.md, clé « comptes ».")
        }
        return Indicateur(
            code: v("code"), libelle: v("libelle"), libelleCourt: v("libelle_court"), objectif: v("objectif"),
            periodicite: v("periodicite"), unite: unite,
            territorial: try ouiNon("territorial"), secret: try ouiNon("secret"), additive: try ouiNon("additive"),
            section: section, compte: v("compte"), taux: try optionnel("taux"), repartition: try optionnel("repartition"),
            statistiques: statistiques, resume: resume, lecture: try optionnel("lecture"), libellesCles: libellesCles,
            cles: cles, explication: v("explication"), definition: v("definition"), fichier: fichier, sql: sql, comptes: comptes,
            entrees: entrees)
    }
}
