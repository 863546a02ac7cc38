import ArgumentParser
import Foundation
import ObservatoireCore
import ObservatoireIndicateurs
import ObservatoireRapports
import ObservatoireStore

enum FormatRapport: String, CaseIterable {
    case xlsx, html
}

struct CommandeRapport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rapport",
        abstract: "Écrit le rapport annuel d'activité (classeur Excel et page HTML) et affiche leurs chemins.",
        discussion: """
        Le rapport reprend le tableau d'indicateurs du cahier des charges avec les cibles et l'année \
        précédente, l'activité mois par mois, les répartitions, les délais, les territoires, l'équipe \
        et les partenaires, la qualité des données et la méthodologie. Le récit de l'année \
        (recit.md) est repris dans la page HTML. En diffusion externe (COTER, CNSA), les petits \
        effectifs sont masqués partout, graphiques compris.
        """
    )

    @OptionGroup var espace: OptionsEspace

    @Option(help: ArgumentHelp("Année du rapport.", valueName: "AAAA"))
    var annee: Int

    @Option(help: ArgumentHelp("Formats, séparés par des virgules : xlsx, html.", valueName: "FORMATS"))
    var format = "xlsx,html"

    @Option(help: ArgumentHelp("interne (tous les chiffres) ou externe (petits effectifs masqués, pour le COTER et la CNSA).", valueName: "DIFFUSION"))
    var diffusion: Diffusion = .interne

    @Option(help: ArgumentHelp("Dossier où écrire les rapports (par défaut : le dossier « rapports » de l'espace).", valueName: "DOSSIER"))
    var sortie: String?

    var formats: [FormatRapport] {
        format.split(separator: ",").compactMap { FormatRapport(rawValue: $0.trimmingCharacters(in: .whitespaces).lowercased()) }
    }

    func validate() throws {
        let demandes = format.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        for f in demandes where FormatRapport(rawValue: f) == nil {
            throw ValidationError("Format « \(f) » inconnu : xlsx, html, ou les deux séparés par une virgule.")
        }
        if demandes.isEmpty { throw ValidationError("Indiquez au moins un format : xlsx ou html.") }
        if !(2000...2100).contains(annee) { throw ValidationError("Année \(annee) hors des bornes (2000 à 2100).") }
    }

    func run() throws {
        let espace = try self.espace.espace()
        let dossier = sortie.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? espace.dossierRapports
        let fichiers = try Rapports.ecrire(espace: espace, annee: annee, formats: formats, diffusion: diffusion, dossier: dossier)
        Sortie.ecrire("Rapport d'activité \(annee) de « \(espace.configuration.nom) » (diffusion \(diffusion.rawValue)) :")
        for f in fichiers { Sortie.ecrire("  \(f.path)") }
    }
}

/// Writing the report files, shared by `rapport`, `executer` and `demo`.
enum Rapports {
    static func preparerDossier(_ dossier: URL) throws {
        do {
            try FileManager.default.createDirectory(at: dossier, withIntermediateDirectories: true)
        } catch {
            throw ErreurObservatoire.ecriture(dossier.path, "le dossier ne peut pas être créé")
        }
        guard FileManager.default.isWritableFile(atPath: dossier.path) else {
            throw ErreurObservatoire.ecriture(dossier.path, "le dossier n'est pas accessible en écriture")
        }
    }

    static func ecrire(espace: EspaceDeTravail, annee: Int, formats: [FormatRapport], diffusion: Diffusion, dossier: URL,
                       extraction: Date = Date()) throws -> [URL] {
        try preparerDossier(dossier)
        let base = try Base.ouvrir(espace.baseDeDonnees, creer: false)
        let modeles = Modeles(espace: espace)
        let donnees = try Preparation.rapport(espace: espace, base: base, annee: annee, diffusion: diffusion, modeles: modeles, extraction: extraction)
        var fichiers: [URL] = []
        for f in formats {
            switch f {
            case .xlsx:
                fichiers.append(try RapportXLSX.ecrire(donnees, dans: dossier))
            case .html:
                throw ErreurObservatoire(.usage, "Le format html n'est pas encore disponible.", conseil: "Utilisez --format xlsx.")
            }
        }
        return fichiers
    }
}
