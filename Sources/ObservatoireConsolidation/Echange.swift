import Foundation
import ObservatoireCore
import ObservatoireIndicateurs

/// A figure of an exchange file, as published: a number, a withheld figure (« < 5 »,
/// « secret », « effectif insuffisant ») or nothing (null, an empty cell). Only the first is
/// ever added, compared or ranked.
public enum Figure: Equatable, Sendable {
    case nombre(Double)
    case retenue(Retenue)
    case absente

    /// The published number, if there is one.
    public var nombre: Double? {
        if case .nombre(let x) = self { return x }
        return nil
    }

    public var retenue: Retenue? {
        if case .retenue(let r) = self { return r }
        return nil
    }
}

/// One line of a published breakdown.
public struct LigneEchange: Equatable, Sendable {
    public var cle: String
    public var n: Figure
    public var taux: Figure
}

/// One indicator of an exchange file, as the C360 published it.
public struct IndicateurEchange: Equatable, Sendable {
    public var code: String
    public var libelle: String
    /// The unit the file gives (version 1); nil in older files.
    public var unite: Indicateur.Unite?
    public var statut: StatutIndicateur
    public var valeur: Figure
    public var numerateur: Figure
    public var denominateur: Figure
    public var taux: Figure
    public var cible: Cible?
    public var atteinte: Bool?
    /// Named statistics (n, moyenne, mediane…), in file order.
    public var statistiques: [(nom: String, figure: Figure)]
    public var repartition: [LigneEchange]

    /// The indicator is a rate: the file gives it a denominator (a number or withheld).
    public var aUnTaux: Bool { denominateur != .absente || taux != .absente }

    public func statistique(_ nom: String) -> Figure {
        statistiques.first { $0.nom == nom }?.figure ?? .absente
    }

    public static func == (a: IndicateurEchange, b: IndicateurEchange) -> Bool {
        a.code == b.code && a.libelle == b.libelle && a.unite == b.unite && a.statut == b.statut && a.valeur == b.valeur
            && a.numerateur == b.numerateur && a.denominateur == b.denominateur && a.taux == b.taux && a.cible == b.cible
            && a.atteinte == b.atteinte && a.repartition == b.repartition
            && a.statistiques.map(\.nom) == b.statistiques.map(\.nom) && a.statistiques.map(\.figure) == b.statistiques.map(\.figure)
    }
}

/// An exchange file read and checked: a C360's published (`externe`) indicator table for one
/// period.
public struct FichierEchange: Sendable {
    public enum Format: String, Sendable { case csv, json }

    public var chemin: String
    /// The file's name, as messages and reports quote it.
    public var nom: String
    public var format: Format
    /// The format version it declares; nil for a file written before the format had one.
    public var versionFormat: Int?
    public var c360: String
    /// Normalised INSEE code (`62`, `2A`, `971`).
    public var departement: String
    public var periode: Periode
    /// When the C360 extracted its data (version 1 and later).
    public var extraction: Date?
    public var versionOutil: String?
    public var seuil: Int?
    /// SHA-256 of the file's bytes.
    public var empreinte: String
    /// The file came with a `.sha256` sidecar that matches it.
    public var empreinteVerifiee: Bool
    public var indicateurs: [IndicateurEchange]
    /// What the consolidation should say about this file (older format, no fingerprint…).
    public var avertissements: [String]

    public subscript(code: String) -> IndicateurEchange? { indicateurs.first { $0.code == code } }
}

/// A file that is not part of the consolidation, and why.
public struct FichierEcarte: Sendable, Equatable {
    public enum Motif: String, Sendable {
        /// Unreadable, internal, tampered with, not an exchange file: an error to fix.
        case refuse
        /// A second file for a département and a period, set aside for another one.
        case doublon
        /// Another period than the one consolidated (nor the year before): not an error.
        case autrePeriode = "autre_periode"
        /// A département outside the region consolidated: not an error.
        case horsPerimetre = "hors_perimetre"
        /// A consolidated table written by an earlier run (`--format csv`), found among the
        /// files: not an exchange file, not an error.
        case tableauConsolide = "tableau_consolide"
    }

    public var nom: String
    public var chemin: String
    public var motif: Motif
    /// What happened, in French, without quoting any value of the file.
    public var raison: String
    public var conseil: String?

    /// Whether the run should end with the « done, but something was refused » code.
    public var estUnProbleme: Bool { motif == .refuse || motif == .doublon }
}

/// Every file given to the consolidation, read: those that can be consolidated, and the others
/// with their reason.
public struct LotEchanges: Sendable {
    public var fichiers: [FichierEchange] = []
    public var ecartes: [FichierEcarte] = []

    public init(fichiers: [FichierEchange] = [], ecartes: [FichierEcarte] = []) {
        self.fichiers = fichiers
        self.ecartes = ecartes
    }
}
