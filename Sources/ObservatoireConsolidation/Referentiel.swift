import Foundation
import ObservatoireCore

/// A French département: its INSEE code, its name, its region, and its square in the tile map
/// of the consolidated reports.
public struct Departement: Hashable, Sendable {
    public let code: String
    public let nom: String
    /// INSEE code of the region (`32` Hauts-de-France, `01` Guadeloupe…).
    public let region: String
    public let nomRegion: String
    /// Row and column of its square in the tile map, from 1.
    public let ligne: Int
    public let colonne: Int

    /// « Pas-de-Calais (62) ».
    public var libelle: String { "\(nom) (\(code))" }
}

/// The 101 départements and 18 regions, from `departements.csv` (shipped with the module,
/// committed as data: no map is downloaded).
///
/// ```swift
/// Referentiel.integre["62"]?.nom                    // "Pas-de-Calais"
/// Referentiel.integre.departements(region: "32")     // the five of Hauts-de-France
/// Referentiel.normaliser("2a")                       // "2A"
/// ```
public struct Referentiel: Sendable {
    public let departements: [Departement]
    private let parCode: [String: Departement]

    init(_ departements: [Departement]) {
        self.departements = departements
        parCode = Dictionary(departements.map { ($0.code, $0) }, uniquingKeysWith: { a, _ in a })
    }

    public static let integre: Referentiel = {
        guard let url = Bundle.module.url(forResource: "departements", withExtension: "csv"),
              let texte = try? FichierSur.lireTexte(url, limite: 1 << 20) else {
            fatalError("Le référentiel des départements intégré est illisible.")
        }
        do {
            return try analyser(texte)
        } catch {
            fatalError("Le référentiel des départements intégré est invalide : \(error)")
        }
    }()

    /// Reads the `;`-separated table (lines starting with `#` are comments).
    static func analyser(_ texte: String) throws -> Referentiel {
        var liste: [Departement] = []
        var entete = true
        for (i, ligne) in texte.split(whereSeparator: \.isNewline).enumerated() {
            let l = ligne.trimmingCharacters(in: .whitespaces)
            if l.isEmpty || l.hasPrefix("#") { continue }
            if entete { entete = false; continue }
            let c = l.split(separator: ";", omittingEmptySubsequences: false).map { String($0) }
            guard c.count == 6, let r = Int(c[4]), let col = Int(c[5]), r > 0, col > 0 else {
                throw ErreurObservatoire.interne("departements.csv, ligne \(i + 1) : six colonnes attendues (code;nom;region;nom_region;ligne;colonne).")
            }
            liste.append(Departement(code: c[0], nom: c[1], region: c[2], nomRegion: c[3], ligne: r, colonne: col))
        }
        return Referentiel(liste)
    }

    public subscript(code: String) -> Departement? { parCode[Referentiel.normaliser(code)] }

    /// The regions, in the order of their codes: (code, name).
    public var regions: [(code: String, nom: String)] {
        var vues = Set<String>()
        return departements.sorted { $0.region < $1.region }.compactMap { d in
            vues.insert(d.region).inserted ? (d.region, d.nomRegion) : nil
        }
    }

    public func departements(region: String) -> [Departement] {
        departements.filter { $0.region == region }
    }

    /// A département code as written in exchange files and on the command line: `2a` → `2A`,
    /// `1` → `01`, spaces removed.
    public static func normaliser(_ code: String) -> String {
        let c = code.trimmingCharacters(in: .whitespaces).uppercased()
        if c.count == 1, c.allSatisfy(\.isNumber) { return "0" + c }
        return c
    }
}
