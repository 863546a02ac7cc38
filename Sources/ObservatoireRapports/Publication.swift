import Foundation
import ObservatoireCore
import ObservatoireIndicateurs
import ObservatoireStore

/// The report files of a workspace: what `rapport`, `tableau-de-bord`, `executer` and `demo`
/// write, in one place. Gather the published figures (``Preparation``), build the document
/// once (``Composition``, following the plan of `Reports/`), then lay it out in each format.
public enum Publication {
    public enum Format: String, CaseIterable, Sendable {
        case xlsx, html, pdf
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

    /// The annual report document of `annee` (for one territory, or the whole C360).
    public static func documentRapport(espace: EspaceDeTravail, base: Base, annee: Int, territoire: String? = nil,
                                       diffusion: Diffusion, extraction: Date = Date()) throws -> DocumentRapport {
        let modeles = Modeles(espace: espace)
        let plan = try Plan.lire("plan-rapport.yml", modeles: modeles)
        let donnees = try Preparation.rapport(espace: espace, base: base, annee: annee, territoire: territoire, diffusion: diffusion,
                                              modeles: modeles, plan: plan, extraction: extraction)
        return try Composition.rapport(donnees, plan: plan, modeles: modeles)
    }

    /// The annual report of `annee` in the requested formats; returns the files written.
    public static func rapport(espace: EspaceDeTravail, base: Base, annee: Int, territoire: String? = nil, formats: [Format],
                               diffusion: Diffusion, dossier: URL, extraction: Date = Date()) throws -> [URL] {
        try preparerDossier(dossier)
        let modeles = Modeles(espace: espace)
        let document = try documentRapport(espace: espace, base: base, annee: annee, territoire: territoire, diffusion: diffusion,
                                           extraction: extraction)
        let nom = { (ext: String) in
            NomDeFichier.rapport(nom: espace.configuration.nom, annee: annee, territoire: territoire, diffusion: diffusion, extension: ext)
        }
        return try ecrire(document, formats: formats, modeles: modeles, dossier: dossier, nom: nom)
    }

    /// Writes a document in each format; the PDF is printed from the HTML.
    static func ecrire(_ document: DocumentRapport, formats: [Format], modeles: Modeles, dossier: URL,
                       nom: (String) -> String) throws -> [URL] {
        var fichiers: [URL] = []
        var html: String?
        func page() throws -> String {
            if let html { return html }
            let h = try EcrivainHTML.rendre(document, modeles: modeles)
            html = h
            return h
        }
        for f in formats {
            let url = dossier.appendingPathComponent(nom(f.rawValue))
            switch f {
            case .xlsx:
                try RapportXLSX.ecrire(document, vers: url)
            case .html:
                try PageHTML.ecrire(try page(), vers: url)
            case .pdf:
                try ImpressionPDF.imprimer(html: try page(), vers: url)
            }
            fichiers.append(url)
        }
        return fichiers
    }

    /// The dashboard file name of a month: `tableau-de-bord-<c360>[-interne]-AAAA-MM.<ext>`, and
    /// without the month, the stable name of the latest one (the shared one is `externe`).
    public static func nomTableauDeBord(_ nom: String, diffusion: Diffusion, mois: Jour? = nil, extension ext: String = "html") -> String {
        let m = mois.map { String(format: "-%04d-%02d", $0.annee, $0.mois) } ?? ""
        return "tableau-de-bord-\(NomDeFichier.sur(nom))\(diffusion == .interne ? "-interne" : "")\(m).\(ext)"
    }

    /// The COTER dashboard up to the month of `jusqua`, kept per month; the stable name is a
    /// copy of the latest month written. Returns the month's files (HTML first).
    @discardableResult
    public static func tableauDeBord(espace: EspaceDeTravail, base: Base, jusqua: Jour, diffusion: Diffusion, dossier: URL,
                                     formats: [Format] = [.html], extraction: Date = Date()) throws -> [URL] {
        try preparerDossier(dossier)
        let modeles = Modeles(espace: espace)
        let plan = try Plan.lire("plan-tableau-de-bord.yml", modeles: modeles)
        let donnees = try Preparation.tableauDeBord(espace: espace, base: base, jusqua: jusqua, diffusion: diffusion, extraction: extraction)
        let document = Composition.tableauDeBord(donnees, plan: plan)
        let nom = espace.configuration.nom
        let fichiers = try ecrire(document, formats: formats.filter { $0 != .xlsx }, modeles: modeles, dossier: dossier) { ext in
            nomTableauDeBord(nom, diffusion: diffusion, mois: jusqua, extension: ext)
        }
        // The stable name follows the most recent month written, not the last run.
        for url in fichiers {
            let ext = url.pathExtension
            let stable = nomTableauDeBord(nom, diffusion: diffusion, extension: ext)
            let prefixe = String(stable.dropLast(ext.count + 1)) + "-"
            let suffixe = "." + ext
            func mois(_ fichier: String) -> String? {
                guard fichier.hasPrefix(prefixe), fichier.hasSuffix(suffixe) else { return nil }
                let m = String(fichier.dropFirst(prefixe.count).dropLast(suffixe.count))
                return m.count == 7 && m.dropFirst(4).first == "-" ? m : nil
            }
            let existants = ((try? FileManager.default.contentsOfDirectory(atPath: dossier.path)) ?? []).compactMap(mois)
            if let ceMois = mois(url.lastPathComponent), let dernier = existants.max(), dernier > ceMois { continue }
            let cible = dossier.appendingPathComponent(stable)
            do {
                try Data(contentsOf: url).write(to: cible, options: .atomic)
            } catch {
                throw ErreurObservatoire.ecriture(cible.path, erreur: error)
            }
        }
        return fichiers
    }
}
