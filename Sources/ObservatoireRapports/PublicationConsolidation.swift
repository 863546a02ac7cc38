import Foundation
import ObservatoireConsolidation
import ObservatoireCore

extension Publication {
    /// The outputs of a consolidation: the report in XLSX and HTML, and the consolidated table in CSV.
    public enum FormatConsolidation: String, CaseIterable, Sendable {
        case xlsx, html, csv
    }

    /// `consolidation-nationale-2025.<ext>`, `consolidation-region-32-2025.<ext>`.
    public static func nomConsolidation(_ c: Consolidation, extension ext: String) -> String {
        "consolidation-\(c.perimetre.suffixe)-\(c.periode.code).\(ext)"
    }

    /// Writes the consolidated report and table in the requested formats; returns the files written.
    public static func consolidation(_ c: Consolidation, formats: [FormatConsolidation], dossier: URL,
                                     modeles: Modeles = Modeles(surcharge: nil)) throws -> [URL] {
        try preparerDossier(dossier)
        let document = try CompositionConsolidation.document(c, modeles: modeles)
        var fichiers: [URL] = []
        for format in formats {
            let url = dossier.appendingPathComponent(nomConsolidation(c, extension: format.rawValue))
            switch format {
            case .xlsx: try RapportXLSX.ecrire(document, vers: url)
            case .html: try EcrivainHTML.ecrire(document, modeles: modeles, vers: url)
            case .csv:
                do {
                    try Data(SortieCSV.texte(c).utf8).write(to: url, options: .atomic)
                } catch {
                    throw ErreurObservatoire.ecriture(url.path, erreur: error)
                }
            }
            fichiers.append(url)
        }
        return fichiers
    }
}
