import Foundation
import ObservatoireCore

/// One indicator as its SQL file in `Queries/` defines it: the header's metadata and the SQL.
public struct Indicateur: Sendable, Equatable {
    public enum Unite: String, Sendable { case nombre, jours, etp }

    public var code: String
    public var libelle: String
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
    /// The expected keys of the breakdown, in order (missing ones are shown as zero).
    public var cles: [String]
    /// The exact definition, printed in the methodology annex.
    public var definition: String
    /// The file, relative to `Queries/`.
    public var fichier: String
    public var sql: String
    /// What its published counts count (header keys `comptes`, `contraintes`, `effectif`,
    /// `rapports`): the small-count protection derives the relations between cells from it.
    public var comptes = Comptes()

    /// An official indicator of the cahier des charges (codes 1.1 to 5.1).
    public var estOfficiel: Bool { !code.hasPrefix("x.") }
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
        let indicateurs = try fichiers.map { url in
            try analyser(try String(contentsOf: url, encoding: .utf8), fichier: url.lastPathComponent)
        }
        // Every set counted must be a population of populations.yml (the one beside the queries).
        let urlPopulations = dossier.appendingPathComponent("populations.yml")
        let populations = FileManager.default.fileExists(atPath: urlPopulations.path)
            ? try Populations.lire(try String(contentsOf: urlPopulations, encoding: .utf8)) : Populations.integrees
        for i in indicateurs {
            for e in i.comptes.ensembles where populations[e.base] == nil {
                throw ErreurObservatoire(.erreurInterne, "La requête « \(i.fichier) » compte « \(e) », dont la population « \(e.base) » n'est pas dans populations.yml.",
                                         conseil: "Ajoutez-la à Queries/populations.yml ou corrigez l'en-tête « comptes ».")
            }
            if i.secret && i.unite == .nombre && i.comptes.champs["valeur"] == nil {
                throw ErreurObservatoire(.erreurInterne, "La requête « \(i.fichier) » est soumise au secret mais son en-tête « comptes » ne dit pas ce que compte sa valeur.",
                                         conseil: "Voir Queries/README.md, clé « comptes ».")
            }
        }
        return indicateurs
    }

    /// Parses the header block (`-- cle: valeur`, continued on indented comment lines).
    public static func analyser(_ sql: String, fichier: String) throws -> Indicateur {
        var champs: [String: String] = [:]
        var derniere: String?
        for ligne in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            guard ligne.hasPrefix("--") else { break }
            let contenu = ligne.dropFirst(2)
            if contenu.hasPrefix("   "), let d = derniere {
                champs[d, default: ""] += " " + contenu.trimmingCharacters(in: .whitespaces)
                continue
            }
            let texte = contenu.trimmingCharacters(in: .whitespaces)
            guard let deuxPoints = texte.firstIndex(of: ":") else { continue }
            let cle = String(texte[..<deuxPoints])
            champs[cle] = texte[texte.index(after: deuxPoints)...].trimmingCharacters(in: .whitespaces)
            derniere = cle
        }
        func requis(_ cle: String) throws -> String {
            guard let v = champs[cle], !v.isEmpty else {
                throw ErreurObservatoire(.erreurInterne, "La requête « \(fichier) » n'a pas d'en-tête « -- \(cle): … ».",
                                         conseil: "Voir Queries/README.md pour le format de l'en-tête.")
            }
            return v
        }
        guard let unite = Indicateur.Unite(rawValue: try requis("unite")) else {
            throw ErreurObservatoire(.erreurInterne, "La requête « \(fichier) » a une unité inconnue.", conseil: "nombre, jours ou etp.")
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
            code: try requis("code"), libelle: try requis("libelle"), objectif: try requis("objectif"),
            periodicite: try requis("periodicite"), unite: unite,
            territorial: try requis("territorial") == "oui", secret: try requis("secret") == "oui",
            additive: try requis("additive") == "oui",
            cles: (champs["cles"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
            definition: try requis("definition"), fichier: fichier, sql: sql, comptes: comptes)
    }
}
