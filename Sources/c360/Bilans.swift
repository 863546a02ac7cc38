import Foundation
import ObservatoireCore
import ObservatoireImport

/// The summaries of an import, for people (French text) and for scripts (JSON of `spec/cli.md`).
enum Bilans {
    static func json(_ bilan: BilanImport) -> JSON {
        .objet([
            ("fichiers", .tableau(bilan.fichiers.map { f in
                var paires: [(String, JSON)] = [
                    ("fichier", .texte(f.fichier)),
                    ("table", f.table.map { .texte($0.rawValue) } ?? .nul),
                    ("lues", .entier(f.lues)),
                    ("importees", .entier(f.importees)),
                    ("rejetees", .entier(f.rejetees)),
                    ("deja_importe", .booleen(f.dejaImporte)),
                    ("motifs", .objet(f.motifs.sorted { $0.key < $1.key }.map { ($0.key, .entier($0.value)) })),
                ]
                if f.lignesVides > 0 { paires.append(("lignes_vides", .entier(f.lignesVides))) }
                if let e = f.erreur { paires.append(("erreur", .texte("\(e.raison). \(e.conseil)"))) }
                return .objet(paires)
            })),
            ("ignores", .tableau(bilan.ignores.map { .texte($0) })),
            ("annule", .booleen(bilan.annule)),
            ("code", .entier(Int(bilan.code.rawValue))),
        ])
    }

    static func pluriel(_ n: Int, _ singulier: String, _ plurielForme: String? = nil) -> String {
        "\(FormatFrancais.entier(n)) \(n > 1 ? (plurielForme ?? singulier + "s") : singulier)"
    }

    static func texte(_ bilan: BilanImport, espace: EspaceDeTravail, journal: URL?, simulation: Bool = false) -> String {
        var l: [String] = []
        l.append((simulation ? "Import à blanc (rien n'est enregistré)" : "Import") + " pour « \(espace.configuration.nom) » — base \(espace.baseDeDonnees.path)")
        for f in bilan.fichiers {
            let table = f.table.map { " → \($0.rawValue)" } ?? ""
            if let e = f.erreur {
                l.append("  ✗ \(f.fichier)\(table) : ILLISIBLE, rien n'en a été importé — \(e.raison).")
                l.append("      → \(e.conseil)")
                continue
            }
            if f.dejaImporte {
                l.append("  = \(f.fichier)\(table) : déjà importé (même contenu), rien n'a changé.")
                continue
            }
            let marque = f.rejetees > 0 ? "!" : "✓"
            var ligne = "  \(marque) \(f.fichier)\(table) : \(pluriel(f.lues, "ligne lue", "lignes lues")), \(pluriel(f.importees, "importée")), \(pluriel(f.rejetees, "rejetée"))"
            if f.lignesVides > 0 { ligne += " (\(pluriel(f.lignesVides, "ligne vide ignorée", "lignes vides ignorées")))" }
            l.append(ligne + ".")
            if !f.format.isEmpty { l.append("      lu comme : \(f.format)") }
            for (regle, n) in f.motifs.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
                let libelle = RegleRejet(rawValue: regle)?.libelle ?? regle
                l.append("      \(FormatFrancais.entier(n)) × \(regle) (\(libelle))")
            }
            for r in f.exemples.prefix(3) {
                let colonne = r.colonne.map { ", colonne \($0)" } ?? ""
                l.append("      ligne \(r.ligne)\(colonne) : \(r.message)")
            }
            if !f.colonnesIgnorees.isEmpty {
                l.append("      colonnes hors format ignorées (jamais enregistrées) : \(f.colonnesIgnorees.joined(separator: ", "))")
            }
        }
        if !bilan.ignores.isEmpty {
            l.append("  Fichiers ignorés (ni .csv, ni .txt, ni .xlsx) : \(bilan.ignores.joined(separator: ", "))")
        }
        for note in bilan.notes { l.append("  Note : \(note)") }
        l.append("")
        if bilan.annule {
            l.append("Import annulé (--strict) : \(pluriel(bilan.totalRejetees, "ligne rejetée", "lignes rejetées")), rien n'a été enregistré. Corrigez les lignes citées puis relancez.")
        } else {
            let illisibles = bilan.fichiers.filter { $0.erreur != nil }.count
            var resume = "Bilan : \(pluriel(bilan.fichiers.count, "fichier")), \(pluriel(bilan.totalLues, "ligne lue", "lignes lues")), \(pluriel(bilan.totalImportees, "importée")), \(pluriel(bilan.totalRejetees, "rejetée"))"
            if illisibles > 0 { resume += ", \(pluriel(illisibles, "fichier illisible", "fichiers illisibles"))" }
            l.append(resume + ".")
            if simulation {
                l.append("À blanc : ces chiffres sont ceux qu'un import donnerait ; la base n'a pas été modifiée.")
            } else if bilan.totalRejetees > 0 {
                l.append("Les lignes rejetées sont conservées avec leur motif dans la base (table rejets) : corrigez-les dans l'outil de suivi puis réimportez l'export.")
            }
        }
        if let journal { l.append("Journal : \(journal.path)") }
        return l.joined(separator: "\n")
    }
}
