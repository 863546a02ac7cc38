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
                if let p = f.profil { paires.append(("profil", .texte(p))) }
                if let s = f.sourceProfil { paires.append(("source", .texte(s))) }
                if f.instantane && !f.dejaImporte && f.erreur == nil {
                    paires.append(("ajoutees", .entier(f.ajoutees)))
                    paires.append(("modifiees", .entier(f.modifiees)))
                    paires.append(("supprimees", .entier(f.supprimees)))
                    paires.append(("inchangees", .entier(f.inchangees)))
                }
                if !f.avertissements.isEmpty {
                    paires.append(("avertissements", .objet(f.avertissements.sorted { $0.key < $1.key }.map { ($0.key, .entier($0.value)) })))
                }
                if f.lignesVides > 0 { paires.append(("lignes_vides", .entier(f.lignesVides))) }
                if f.lignesIgnorees > 0 { paires.append(("lignes_ignorees", .entier(f.lignesIgnorees))) }
                if let e = f.erreur { paires.append(("erreur", .texte("\(e.raison). \(e.conseil)"))) }
                return .objet(paires)
            })),
            ("ignores", .tableau(bilan.ignores.map { .texte($0) })),
            ("annule", .booleen(bilan.annule)),
            ("code", .entier(Int(bilan.code.rawValue))),
        ])
    }

    static func pluriel(_ n: Int, _ singulier: String, _ plurielForme: String? = nil) -> String {
        FormatFrancais.pluriel(n, singulier, plurielForme)
    }

    static func texte(_ bilan: BilanImport, espace: EspaceDeTravail, journal: URL?, simulation: Bool = false) -> String {
        var l: [String] = []
        l.append((simulation ? "Import à blanc (rien n'est enregistré)" : "Import") + " pour « \(espace.configuration.nom) » — base \(espace.baseDeDonnees.path)")
        var dejaDecrits: Set<String> = []
        for f in bilan.fichiers {
            let table = f.table.map { " → \($0.rawValue)" } ?? ""
            // How the file was read, once per file (a file may feed several tables).
            let premiereFois = dejaDecrits.insert(f.fichier + "\u{1F}" + (f.sourceProfil ?? f.table?.rawValue ?? "")).inserted
            if premiereFois, let p = f.profil {
                l.append("  \(TexteSur.surUneLigne(f.fichier)) : lu avec le profil « \(p) »\(f.sourceProfil.map { ", source « \($0) »" } ?? "")\(f.instantane ? " (export complet de la source : instantané)" : "")")
            } else if premiereFois && f.instantane {
                l.append("  \(TexteSur.surUneLigne(f.fichier)) : export complet de sa source (instantané)")
            }
            if let e = f.erreur {
                l.append("  ✗ \(TexteSur.surUneLigne(f.fichier))\(table) : REFUSÉ, rien n'en a été importé — \(e.raison).")
                l.append("      → \(e.conseil)")
                continue
            }
            if f.dejaImporte {
                l.append("  = \(TexteSur.surUneLigne(f.fichier))\(table) : déjà importé (même contenu), rien n'a changé.")
                continue
            }
            let marque = f.rejetees > 0 ? "!" : "✓"
            var ligne = "  \(marque) \(TexteSur.surUneLigne(f.fichier))\(table) : \(pluriel(f.lues, "ligne lue", "lignes lues")), \(pluriel(f.importees, "importée")), \(pluriel(f.rejetees, "rejetée"))"
            if f.lignesVides > 0 && premiereFois { ligne += " (\(pluriel(f.lignesVides, "ligne vide ignorée", "lignes vides ignorées")))" }
            l.append(ligne + ".")
            if f.instantane {
                l.append("      instantané : \(pluriel(f.ajoutees, "ajoutée")), \(pluriel(f.modifiees, "modifiée")), \(pluriel(f.inchangees, "inchangée")), \(pluriel(f.supprimees, "supprimée")) (absentes du nouvel export)")
            }
            if f.lignesIgnorees > 0 && premiereFois {
                l.append("      \(pluriel(f.lignesIgnorees, "ligne écartée", "lignes écartées")) par le profil (ses filtres ignorer_lignes : ligne de total… ; ou préparées d'avance : rien que leur numéro, des formules recopiées ou des formats de saisie comme JJ/MM/AAAA)")
            }
            if !f.format.isEmpty && premiereFois { l.append("      lu comme : \(f.format)") }
            for (regle, n) in f.motifs.sorted(by: { $0.value != $1.value ? $0.value > $1.value : $0.key < $1.key }) {
                let libelle = RegleRejet(rawValue: regle)?.libelle ?? regle
                l.append("      \(FormatFrancais.entier(n)) × \(regle) (\(libelle))")
            }
            for r in f.exemples.prefix(3) {
                let colonne = r.colonne.map { ", colonne \($0)" } ?? ""
                l.append("      ligne \(r.ligne)\(colonne) : \(TexteSur.surUneLigne(r.messageBorne))")
            }
            for (regle, n) in f.avertissements.sorted(by: { $0.key < $1.key }) {
                let libelle = RegleAvertissement(rawValue: regle)?.libelle ?? regle
                l.append("      avertissement : \(FormatFrancais.entier(n)) ligne\(n > 1 ? "s enregistrées" : " enregistrée") avec \(libelle)")
            }
            if !f.colonnesIgnorees.isEmpty && premiereFois {
                l.append("      colonnes hors format ignorées (jamais enregistrées) : \(Masque.listeEntetes(f.colonnesIgnorees))")
            }
        }
        if !bilan.ignores.isEmpty {
            l.append("  Fichiers ignorés (seuls les .csv, .txt et .xlsx sont importés) : \(bilan.ignores.map(TexteSur.surUneLigne).joined(separator: ", "))")
        }
        for note in bilan.notes { l.append("  Note : \(note)") }
        l.append("")
        if bilan.annule {
            l.append("Import annulé (--strict) : \(pluriel(bilan.totalRejetees, "ligne rejetée", "lignes rejetées")), rien n'a été enregistré. Corrigez les lignes citées puis relancez.")
        } else {
            // Counted by file: a workbook refused for two of its sheets is one file.
            let illisibles = Set(bilan.fichiers.filter { $0.erreur != nil }.map(\.fichier)).count
            let nombreFichiers = Set(bilan.fichiers.map(\.fichier)).count
            var resume = "Bilan : \(pluriel(nombreFichiers, "fichier"))\(bilan.fichiers.count > nombreFichiers ? " (\(bilan.fichiers.count) tables nourries)" : ""), \(pluriel(bilan.totalLues, "ligne lue", "lignes lues")), \(pluriel(bilan.totalImportees, "importée")), \(pluriel(bilan.totalRejetees, "rejetée"))"
            if illisibles > 0 { resume += ", \(pluriel(illisibles, "fichier illisible", "fichiers illisibles"))" }
            l.append(resume + ".")
            if bilan.fichiers.isEmpty {
                l.append("Aucun fichier à importer : les dossiers indiqués ne contiennent aucun fichier .csv, .txt ou .xlsx. Vérifiez le chemin, ou déposez-y les exports de votre outil de suivi.")
            }
            if simulation {
                l.append("À blanc : ces chiffres sont ceux qu'un import donnerait ; la base n'a pas été modifiée.")
            } else if bilan.totalRejetees > 0 || bilan.totalAvertissements > 0 {
                l.append("Les lignes rejetées et les avertissements sont conservés avec leur motif : « c360 rejets » en fait un classeur à corriger (fichier, ligne, colonne, valeur, quoi faire).")
            }
        }
        if let journal { l.append("Journal : \(journal.path)") }
        return l.joined(separator: "\n")
    }
}
