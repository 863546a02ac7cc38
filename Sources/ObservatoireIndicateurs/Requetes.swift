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
        return try fichiers.map { url in
            try analyser(try String(contentsOf: url, encoding: .utf8), fichier: url.lastPathComponent)
        }
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
        return Indicateur(
            code: try requis("code"), libelle: try requis("libelle"), objectif: try requis("objectif"),
            periodicite: try requis("periodicite"), unite: unite,
            territorial: try requis("territorial") == "oui", secret: try requis("secret") == "oui",
            additive: try requis("additive") == "oui",
            cles: (champs["cles"] ?? "").split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces) }.filter { !$0.isEmpty },
            definition: try requis("definition"), fichier: fichier, sql: sql)
    }
}
