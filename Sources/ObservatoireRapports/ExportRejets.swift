import Foundation
import ObservatoireCore
import ObservatoireStore

/// The rejected rows and the warnings of the current state (`c360 rejets`), as a spreadsheet a
/// coordinator works from: where the row is (file, Excel row), the tracker's column, the value,
/// the rule, where to fix it and what to do. It quotes values of the tracker: it stays inside
/// the C360 (file mode 0600, like the database).
public enum ExportRejets {
    public static let entetes = ["Type", "Fichier", "Table", "Ligne", "Colonne du tableur", "Colonne du format", "Valeur",
                                 "Motif", "Règle", "À corriger", "Que faire", "Profil", "Importé le"]

    static func ligne(_ p: EtatQualite.Probleme) -> [String] {
        [p.avertissement ? "Avertissement (ligne enregistrée)" : "Rejet (ligne non enregistrée)", p.fichier, p.table, "\(p.ligne)",
         p.colonneSource ?? "", p.colonne ?? "", p.valeur ?? "", p.libelleRegle, p.regle,
         p.avertissement ? "dans le tableur ou l'outil de suivi" : p.correction.libelle, p.message, p.profil ?? "",
         Horodatage.lire(p.date).map(Horodatage.francais) ?? p.date]
    }

    /// The problems as CSV for French Excel: UTF-8 with BOM, `;`, CRLF. A cell that Excel would
    /// take for a formula (`=`, `+`, `-`, `@`) is prefixed with an apostrophe.
    public static func csv(_ etat: EtatQualite) -> String {
        func champ(_ s: String) -> String {
            var t = s
            if let p = t.first, "=+-@".contains(p) { t = "'" + t }
            if t.contains(where: { $0 == ";" || $0 == "\"" || $0 == "\n" || $0 == "\r" }) {
                t = "\"" + t.replacingOccurrences(of: "\"", with: "\"\"") + "\""
            }
            return t
        }
        var lignes = [entetes.map(champ).joined(separator: ";")]
        for p in etat.problemes { lignes.append(ligne(p).map(champ).joined(separator: ";")) }
        return "\u{FEFF}" + lignes.joined(separator: "\r\n") + "\r\n"
    }

    /// Writes the workbook: a summary sheet, then one row per problem with filters.
    public static func xlsx(_ etat: EtatQualite, chemin: URL, nomC360: String, extraction: Date = Date()) throws {
        let c = try ClasseurXLSX(chemin: chemin.path)
        let titre = StyleXLSX(gras: true, taille: 14, couleur: 0x1F4E79)
        let entete = StyleXLSX(gras: true, couleur: 0xFFFFFF, fond: 0x1F4E79, retourALaLigne: true)
        let texte = StyleXLSX(retourALaLigne: true, hautDeCellule: true)
        let f = try c.feuille("À corriger")
        try f.texte(0, 0, "Lignes à corriger — \(nomC360)", titre)
        try f.fusionner(1, 0, 1, 10, "État de la base au \(Horodatage.francais(extraction)) : \(etat.totalRejetees) ligne(s) rejetée(s) (non enregistrées) et \(etat.totalAvertissements) avertissement(s) (lignes enregistrées auxquelles il manque une information). Corrigez dans le tableur (ou dans le profil quand la colonne « À corriger » le dit), puis déposez de nouveau l'export : les lignes corrigées disparaissent de cette liste.", texte)
        try f.hauteur(1, 48)
        let largeurs: [Double] = [18, 26, 14, 7, 22, 20, 18, 28, 22, 22, 70, 14, 18]
        for (j, l) in largeurs.enumerated() { try f.largeur(j, j, l) }
        let debut = 3
        if etat.problemes.isEmpty {
            try f.texte(debut, 0, "Aucune ligne à corriger.")
        } else {
            for (i, p) in etat.problemes.enumerated() {
                for (j, v) in ligne(p).enumerated() {
                    if j == 3, let n = Double(v) { try f.nombre(debut + 1 + i, j, n) } else { try f.texte(debut + 1 + i, j, v, j == 10 ? texte : nil) }
                }
            }
            try f.tableau(debut, 0, debut + etat.problemes.count, entetes.count - 1, nom: "ACorriger", entetes: entetes, style: entete)
        }
        f.figer(lignes: debut + 1)
        try f.miseEnPage(enTete: "Lignes à corriger — \(nomC360) — diffusion interne", piedGauche: "Document interne : contient des valeurs des exports",
                         piedDroit: "Observatoire 360", lignesRepetees: debut...debut)
        try c.proprietes(titre: "Lignes à corriger — \(nomC360)", sujet: "Rejets et avertissements de l'import", auteur: "Observatoire 360",
                         societe: nomC360, motsCles: "c360, qualité des données", commentaires: "Document interne.", creation: extraction)
        try c.fermer()
        chmod(chemin.path, 0o600)
    }
}
