import Foundation
import ObservatoireCore

/// Rewrites a problem found on a row read through a mapping profile in the source's own words:
/// the tracker's column (« Qui appelle ? ») rather than the canonical one, the raw value the
/// tracker holds, and where the fix belongs — in the tracker, or in the profile when the value
/// came from it (a constant, a default) or when its translation table lacks the value.
struct ContexteMessages: Sendable {
    let profil: ProfilCorrespondance?

    /// Rules about a value's content: when the profile gave the value, the profile is wrong.
    private static let reglesDeValeur: Set<RegleRejet> = [.valeurInconnue, .dateInvalide, .booleenInvalide, .nombreInvalide,
                                                          .horsBornes, .territoireInconnu, .champTropLong]

    func dansLesMotsDeLaSource(_ rejet: Rejet, table: TableCanonique, origines: [OrigineValeur?]) -> Rejet {
        guard let profil, let colonne = rejet.colonne,
              let i = table.colonnes.firstIndex(where: { $0.nom == colonne }), let o = origines[i] else { return rejet }
        var r = rejet
        let libelle = o.libelleColonnes
        if let libelle { r.message = r.message.replacingOccurrences(of: "« \(colonne) »", with: libelle) }
        r.colonneSource = o.colonnes.isEmpty ? nil : o.colonnes.joined(separator: ", ")
        if let brut = o.brut, !o.derivee { r.valeur = Rejet.borner(Normalisation.rogner(brut), colonne: colonne) }
        let ouProfil = "le profil « \(profil.nom) » (\(profil.fichier)\(o.ligneYAML.map { ", ligne \($0)" } ?? ""))"
        if o.nonTraduite && ContexteMessages.reglesDeValeur.contains(r.regle),
           let conseil = plusieursValeurs(o, colonne: colonne, ligne: r.ligne, libelle: libelle, ouProfil: ouProfil) {
            // Several values in one cell, not split as the profile says: the advice to add the
            // whole cell (or one of its pieces, cut by the validation) to `valeurs` was wrong.
            r.correction = conseil.correction
            r.message = conseil.message
        } else if o.nonTraduite && ContexteMessages.reglesDeValeur.contains(r.regle) {
            r.correction = .profil
            let valeur = Masque.extrait(Normalisation.rogner(o.brut ?? ""))
            r.message += " La valeur « \(valeur) »\(libelle.map { " de la colonne \($0)" } ?? "") n'a pas de traduction dans \(ouProfil) : ajoutez-la à la rubrique « valeurs » de « \(colonne) » si elle est juste, sinon corrigez le tableur (ligne \(r.ligne))."
        } else if o.parLeProfil && ContexteMessages.reglesDeValeur.contains(r.regle) {
            r.correction = .profil
            r.message += " Cette valeur est donnée par \(ouProfil) pour « \(colonne) » : corrigez le profil."
        } else if o.derivee {
            r.message += " L'identifiant est déduit de celui de la sollicitation de la même ligne\(libelle.map { " (colonne \($0))" } ?? "") : complétez-le dans le tableur, ligne \(r.ligne)."
        } else {
            r.correction = .tableur
            r.message += " À corriger dans le tableur : ligne \(r.ligne)\(libelle.map { ", colonne \($0)" } ?? "")."
        }
        return r
    }

    /// The profile's rule that gave a value (found by its YAML line).
    private func regle(_ o: OrigineValeur, colonne: String) -> RegleColonne? {
        guard let profil, let ligne = o.ligneYAML else { return nil }
        for s in profil.sources {
            for t in s.tables {
                if let r = t.regles[colonne]?.regle(aLaLigne: ligne) { return r }
            }
        }
        return nil
    }

    /// When an untranslated cell of a list column (`problematiques`, or a rule with
    /// `separateur`) holds several values the profile does not split: what to write instead.
    /// Nil when the cell is one value (the usual advice applies).
    private func plusieursValeurs(_ o: OrigineValeur, colonne: String, ligne: Int, libelle: String?,
                                  ouProfil: String) -> (message: String, correction: Correction)? {
        guard let r = regle(o, colonne: colonne), r.traduit, r.separateur != nil || colonne == "problematiques",
              let brut = o.brut else { return nil }
        let d = r.decoupage(brut)
        let ou = "ligne \(ligne)\(libelle.map { ", colonne \($0)" } ?? "")"
        let dansLaColonne = libelle.map { " de la colonne \($0)" } ?? ""
        // With a `separateur`, such a cell is read (split on the usual separators too): only a
        // rule that separates nothing gets here.
        if !d.autresSeparateurs.isEmpty && d.nonTraduits.isEmpty && r.separateur == nil {
            let separes = d.autresSeparateurs.map { $0 == "retour à la ligne" ? "des retours à la ligne" : "« \($0) »" }.joined(separator: " et ")
            let regleSeparateur = "ne sépare pas les valeurs de « \(colonne) » : ajoutez à sa règle un « separateur » (par exemple separateur: \"/\") et écrivez-les séparées ainsi dans le tableur (\(ou))"
            return ("La cellule\(dansLaColonne) contient \(FormatFrancais.pluriel(d.elements.count, "valeur", "valeurs")) séparées par \(separes), toutes connues du profil ; mais \(ouProfil) \(regleSeparateur).", .tableur)
        }
        guard !d.nonTraduits.isEmpty, d.elements.count > 1 || d.nonTraduits.first != Normalisation.rogner(brut) else { return nil }
        // Several values, some unknown: name those (masked), not the whole cell.
        let inconnues = d.nonTraduits.prefix(3).map { "« \(Masque.extrait($0)) »" }.joined(separator: ", ")
        let pluriel = d.nonTraduits.count > 1
        let separer = r.separateur.map { " (à séparer par « \($0) »)" } ?? ""
        return ("La cellule\(dansLaColonne) contient plusieurs valeurs\(separer) ; \(pluriel ? "les valeurs" : "la valeur") \(inconnues) n'\(pluriel ? "ont" : "a") pas de traduction dans \(ouProfil) : ajoutez-\(pluriel ? "les" : "la") à la rubrique « valeurs » de « \(colonne) » si \(pluriel ? "elles sont justes" : "elle est juste"), sinon corrigez le tableur (\(ou)).", .profil)
    }

    func dansLesMotsDeLaSource(_ a: Avertissement, table: TableCanonique, origines: [OrigineValeur?]) -> Avertissement {
        guard let colonne = a.colonne, let i = table.colonnes.firstIndex(where: { $0.nom == colonne }), let o = origines[i],
              let libelle = o.libelleColonnes else { return a }
        var x = a
        x.message = x.message.replacingOccurrences(of: "« \(colonne) »", with: libelle)
        x.colonneSource = o.colonnes.joined(separator: ", ")
        return x
    }
}
