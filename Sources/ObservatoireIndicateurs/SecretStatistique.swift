import Foundation
import ObservatoireCore

/// The words of the small-count rule, the same in every output. The rule itself — which
/// figures are withheld, over a whole diffusion — is ``ProtectionDiffusion``.
public enum SecretStatistique {
    /// Whether a count is small: from 1 to `seuil − 1` (zero is shown).
    public static func estPetit(_ n: Double?, seuil: Int) -> Bool {
        guard let n else { return false }
        return n >= 1 && n < Double(seuil)
    }

    /// The text shown in a table cell in place of a small count (« < 5 »), as the JSON and CSV
    /// exports write it (`spec/cli.md`).
    public static func libelle(seuil: Int) -> String { "< \(seuil)" }
    /// The text shown in place of a secondary suppression.
    public static let libelleSecondaire = "secret"
    /// The text shown in place of a figure that is not a count (rate, mean, median…) computed
    /// on too few requests or on a withheld count.
    public static let libelleInsuffisant = "effectif insuffisant"

    /// The short text of a table cell: « < 5 », « secret », « effectif insuffisant ».
    public static func texte(_ r: Retenue, seuil: Int) -> String {
        switch r {
        case .petitEffectif: return libelle(seuil: seuil)
        case .secret: return libelleSecondaire
        case .effectifInsuffisant: return libelleInsuffisant
        }
    }
}
