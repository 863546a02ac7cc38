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
        if o.nonTraduite && ContexteMessages.reglesDeValeur.contains(r.regle) {
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

    func dansLesMotsDeLaSource(_ a: Avertissement, table: TableCanonique, origines: [OrigineValeur?]) -> Avertissement {
        guard let colonne = a.colonne, let i = table.colonnes.firstIndex(where: { $0.nom == colonne }), let o = origines[i],
              let libelle = o.libelleColonnes else { return a }
        var x = a
        x.message = x.message.replacingOccurrences(of: "« \(colonne) »", with: libelle)
        x.colonneSource = o.colonnes.joined(separator: ", ")
        return x
    }
}
