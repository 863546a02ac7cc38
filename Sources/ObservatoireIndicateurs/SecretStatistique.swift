import Foundation
import ObservatoireCore

/// The small-count rule of `spec/indicateurs.md`, applied by every `externe` output (tables,
/// charts, JSON, CSV, XLSX, HTML): they all go through this one function.
///
/// - **Primary suppression**: a count from 1 to `seuil − 1` (0 is shown) is removed and shown
///   as `< seuil`; so is any rate or share computed from it, and every share whose base is
///   itself small. Every count is concerned (requests, propositions, persons, but also
///   positions, organisations: in a small territory they can point at someone); ETP, delays
///   and rates are not counts.
/// - **Secondary suppression**: in a breakdown whose lines add up to a shown total, a single
///   masked line could be recovered by subtraction; the smallest other non-zero line is then
///   masked too (shown « secret »).
/// - A mean delay over fewer than `seuil` requests is masked with its statistics.
///
/// Masked values are *removed* from the result (set to nil), so that no later stage can leak them.
///
/// ```swift
/// let publies = SecretStatistique.appliquer(valeurs, seuil: 5)
/// ```
public enum SecretStatistique {
    /// Whether a count must be masked: from 1 to `seuil − 1`.
    public static func estPetit(_ n: Double?, seuil: Int) -> Bool {
        guard let n else { return false }
        return n >= 1 && n < Double(seuil)
    }

    /// The text shown in place of a masked count (« < 5 »).
    public static func libelle(seuil: Int) -> String { "< \(seuil)" }
    /// The text shown in place of a secondary suppression.
    public static let libelleSecondaire = "secret"

    /// The statistics that are counts.
    public static let statistiquesDeComptage: Set<String> = ["n", "sans_proposition", "en_attente", "postes", "membres"]

    public static func appliquer(_ valeurs: [ValeurIndicateur], seuil: Int) -> [ValeurIndicateur] {
        valeurs.map { masquer($0, seuil: seuil) }
    }

    static func masquer(_ entree: ValeurIndicateur, seuil: Int) -> ValeurIndicateur {
        var v = entree
        guard v.indicateur.secret, seuil > 1 else { return v }
        let petit = { (n: Double?) in estPetit(n, seuil: seuil) }

        // Headline value.
        if v.indicateur.unite == .jours {
            // A mean delay: masked with its statistics when it rests on few requests.
            if petit(v.statistique("n")) {
                v.valeur = nil
                v.valeurMasquee = true
                for i in v.statistiques.indices where v.statistiques[i].valeur != nil {
                    v.statistiques[i].valeur = nil
                    v.statistiques[i].masquee = true
                }
            }
        } else if v.indicateur.unite == .nombre && petit(v.valeur) {
            v.valeur = nil
            v.valeurMasquee = true
        }
        // Count statistics (requests without proposition, pending decisions, positions…).
        for i in v.statistiques.indices where SecretStatistique.statistiquesDeComptage.contains(v.statistiques[i].nom) && petit(v.statistiques[i].valeur) {
            v.statistiques[i].valeur = nil
            v.statistiques[i].masquee = true
        }

        // Rate: numerator and denominator.
        if petit(v.numerateur) {
            v.numerateur = nil
            v.numerateurMasque = true
        }
        if petit(v.denominateur) {
            v.denominateur = nil
            v.denominateurMasque = true
        }
        if v.numerateurMasque || v.denominateurMasque {
            v.taux = nil
            v.tauxMasque = true
        }

        // Breakdown: primary, then secondary suppression (an ETP breakdown holds no count).
        for i in v.repartition.indices where v.indicateur.unite != .etp {
            if petit(v.repartition[i].n) {
                v.repartition[i].n = nil
                v.repartition[i].taux = nil
                v.repartition[i].masquee = true
            }
            if petit(v.repartition[i].base) {
                v.repartition[i].taux = nil
                v.repartition[i].base = nil
            }
        }
        if v.indicateur.additive && !v.valeurMasquee {
            let masquees = v.repartition.filter(\.masquee).count
            if masquees == 1 {
                let candidates = v.repartition.indices.filter { !v.repartition[$0].masquee && (v.repartition[$0].n ?? 0) > 0 }
                if let i = candidates.min(by: { (v.repartition[$0].n ?? 0) < (v.repartition[$1].n ?? 0) }) {
                    v.repartition[i].n = nil
                    v.repartition[i].taux = nil
                    v.repartition[i].secondaire = true
                }
            }
        }

        // A target is not judged on a masked value.
        if v.valeurMasquee || v.tauxMasque { v.atteinte = nil }
        return v
    }
}
