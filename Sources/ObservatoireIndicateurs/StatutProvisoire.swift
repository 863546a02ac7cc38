import Foundation

// PROVISIONAL — issue 13 waits for the engine's statuses (issue 16, the lead). The renderers
// only read `ValeurIndicateur.statut`; this file gives them one, derived from the fields that
// exist today, so that they compile and show the statuses the engine can already tell
// (masked, not computable). It cannot tell « non collecté » nor « pas de données »: when the
// engine's own `statut` is merged, delete this file (and `statutsProvisoires`: the test
// `StatutsTests` skips itself while it exists, and stops compiling when it goes, so that
// nobody forgets to enable it).

/// The status of an indicator's value (`spec/cli.md`): computed, not computable (denominator
/// 0), not collected (its input column is absent or empty over the period), masked (externe).
/// Two more cases the reports need to word: the previous period without any data, and a
/// statistic or rate withheld because it rests on too few requests.
public enum StatutIndicateur: String, Sendable, CaseIterable {
    case calcule
    case nonCalcule = "non_calcule"
    case nonCollecte = "non_collecte"
    case masque
    case pasDeDonnees = "pas_de_donnees"
    case effectifInsuffisant = "effectif_insuffisant"
}

/// True while the statuses are derived here rather than by the engine.
public let statutsProvisoires = true

extension ValeurIndicateur {
    /// Derived from the masks and the missing values (see the top of this file).
    public var statut: StatutIndicateur {
        if valeurMasquee || tauxMasque { return .masque }
        if aUnTaux { return taux == nil ? .nonCalcule : .calcule }
        return valeur == nil ? .nonCalcule : .calcule
    }
}
