import Foundation
import ObservatoireCore
import ObservatoireIndicateurs
import ObservatoireStore

/// The report files of a workspace: what `rapport`, `tableau-de-bord`, `executer` and `demo`
/// write, in one place.
public enum Publication {
    public enum Format: String, CaseIterable, Sendable {
        case xlsx, html
    }

    /// Creates the output folder if needed and checks it can be written (exit code 73 otherwise).
    public static func preparerDossier(_ dossier: URL) throws {
        do {
            try FileManager.default.createDirectory(at: dossier, withIntermediateDirectories: true)
        } catch {
            throw ErreurObservatoire.ecriture(dossier.path, "le dossier ne peut pas être créé")
        }
        guard FileManager.default.isWritableFile(atPath: dossier.path) else {
            throw ErreurObservatoire.ecriture(dossier.path, "le dossier n'est pas accessible en écriture")
        }
    }

    /// The annual report of `annee` in the requested formats; returns the files written.
    public static func rapport(espace: EspaceDeTravail, base: Base, annee: Int, formats: [Format], diffusion: Diffusion,
                               dossier: URL, extraction: Date = Date()) throws -> [URL] {
        try preparerDossier(dossier)
        let modeles = Modeles(espace: espace)
        let donnees = try Preparation.rapport(espace: espace, base: base, annee: annee, diffusion: diffusion, modeles: modeles, extraction: extraction)
        var fichiers: [URL] = []
        for f in formats {
            switch f {
            case .xlsx:
                fichiers.append(try RapportXLSX.ecrire(donnees, dans: dossier))
            case .html:
                let url = dossier.appendingPathComponent(NomDeFichier.rapport(nom: donnees.nomC360, annee: annee, diffusion: diffusion, extension: "html"))
                try RapportHTML.ecrire(donnees, modeles: modeles, vers: url)
                fichiers.append(url)
            }
        }
        return fichiers
    }

    /// The dashboard file name: `tableau-de-bord-<c360>[-interne].html` (the shared one is `externe`).
    public static func nomTableauDeBord(_ nom: String, diffusion: Diffusion) -> String {
        "tableau-de-bord-\(NomDeFichier.sur(nom))\(diffusion == .interne ? "-interne" : "").html"
    }

    /// The COTER dashboard up to the month of `jusqua`.
    public static func tableauDeBord(espace: EspaceDeTravail, base: Base, jusqua: Jour, diffusion: Diffusion, dossier: URL,
                                     extraction: Date = Date()) throws -> URL {
        try preparerDossier(dossier)
        let modeles = Modeles(espace: espace)
        let donnees = try Preparation.tableauDeBord(espace: espace, base: base, jusqua: jusqua, diffusion: diffusion, extraction: extraction)
        let url = dossier.appendingPathComponent(nomTableauDeBord(espace.configuration.nom, diffusion: diffusion))
        try TableauDeBordHTML.ecrire(donnees, modeles: modeles, vers: url)
        return url
    }
}
