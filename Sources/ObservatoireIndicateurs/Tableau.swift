import Foundation
import ObservatoireCore

/// Who a result is for: the coordinator's internal use shows every value; `externe` (reports
/// sent outside the C360) applies the small-count rule everywhere.
public enum Diffusion: String, Sendable, CaseIterable {
    case interne, externe
}

/// The status of an indicator's value (`spec/cli.md`): computed; not computable (denominator
/// 0, a mean over nothing); not collected (its input column is absent from the sources or empty
/// on every row of the period); no data at all for the period (an N-1 before the first import);
/// masked, or withheld because it rests on too few requests (`externe` only).
public enum StatutIndicateur: String, Sendable, CaseIterable {
    case calcule
    case nonCalcule = "non_calcule"
    case nonCollecte = "non_collecte"
    case pasDeDonnees = "pas_de_donnees"
    case masque
    case effectifInsuffisant = "effectif_insuffisant"
}

/// Why a published figure is withheld in `externe` diffusion (``ProtectionDiffusion``). The
/// figure itself is removed (nil): no later stage can leak it.
public enum Retenue: String, Sendable, CaseIterable {
    /// A count from 1 to the threshold − 1 (shown « < 5 », said « moins de 5 »).
    case petitEffectif = "petit_effectif"
    /// A count that is not small, withheld so that a small one cannot be recovered by
    /// additions and subtractions of what is published (secondary suppression, « secret »).
    case secret
    /// A delay, mean, median, percentile or rate computed on fewer requests than the
    /// threshold, or a rate or ratio whose count is withheld (« effectif insuffisant »).
    case effectifInsuffisant = "effectif_insuffisant"
}

/// One line of a breakdown.
public struct LigneRepartition: Equatable, Sendable {
    public var cle: String
    /// The count (or the ETP for 4.3); nil when masked.
    public var n: Double?
    /// Share of `base`, in percent with one decimal; nil when not computable or withheld.
    public var taux: Double?
    public var base: Double?
    /// Why the count is withheld, if it is.
    public var retenue: Retenue?
    /// Why the share is withheld (its count or its base is), if it is.
    public var tauxRetenu: Retenue?
    /// Masked because the count is small (shown « < 5 »).
    public var masquee: Bool { retenue == .petitEffectif }

    public init(cle: String, n: Double?, taux: Double?, base: Double?) {
        self.cle = cle
        self.n = n
        self.taux = taux
        self.base = base
    }
}

/// A named statistic (mean, median… of 1.7).
public struct Statistique: Equatable, Sendable {
    public var nom: String
    public var valeur: Double?
    public var retenue: Retenue?
    public var masquee: Bool { retenue != nil }

    public init(nom: String, valeur: Double?) {
        self.nom = nom
        self.valeur = valeur
    }
}

/// The computed figures of one indicator for one period (and territory).
public struct ValeurIndicateur: Equatable, Sendable {
    public let indicateur: Indicateur
    /// Nil when not computable (a mean over nothing) or withheld.
    public var valeur: Double?
    public var numerateur: Double?
    public var denominateur: Double?
    /// `numerateur / denominateur` in percent, one decimal; nil when the denominator is 0
    /// (*non calculable*) or withheld.
    public var taux: Double?
    /// Why each figure is withheld in `externe` diffusion, if it is.
    public var valeurRetenue: Retenue?
    public var numerateurRetenu: Retenue?
    public var denominateurRetenu: Retenue?
    public var tauxRetenu: Retenue?
    public var valeurMasquee: Bool { valeurRetenue != nil }
    public var statistiques: [Statistique] = []
    public var repartition: [LigneRepartition] = []
    public var cible: Cible?
    /// Whether the target is met; nil without a target or without a value.
    public var atteinte: Bool?

    /// How many records a mean or delay (the value, when it is a quotient `valeur_num /
    /// valeur_den`) rests on: its denominator. Not published; the small-count rule withholds
    /// the value below the threshold (a mean delay over the few dated propositions of a source
    /// that dates only some of them).
    public var effectifDeLaValeur: Int?
    /// Why the total of the breakdown (the base of its shares) is withheld, if it is.
    public var totalRepartitionRetenu: Retenue?
    /// Its inputs were not collected over the period (column absent from the sources, or empty
    /// on every row): no value, and never a target met or missed.
    public var nonCollecte = false
    /// The period has no row at all for its inputs (an N-1 before the first import).
    public var sansDonnees = false
    /// With `sansDonnees`: the figures (`valeur`, `numerateur`, `denominateur`, a count among
    /// the statistics) that were 0, which a reader of « pas de données » knows. Not shown;
    /// the small-count protection takes them as published zeros.
    public var zerosSansDonnees: Set<String> = []

    /// What the indicator's figures are, for readers and machines (`spec/cli.md`).
    public var statut: StatutIndicateur {
        if nonCollecte { return .nonCollecte }
        if sansDonnees { return .pasDeDonnees }
        switch aUnTaux ? tauxRetenu : valeurRetenue {
        case .effectifInsuffisant?: return .effectifInsuffisant
        case .some: return .masque
        case nil: break
        }
        if (aUnTaux ? taux : valeur) == nil { return .nonCalcule }
        return .calcule
    }

    public var code: String { indicateur.code }
    /// The indicator is a rate (numerator over denominator).
    public var aUnTaux: Bool { denominateur != nil || denominateurRetenu != nil }

    public func statistique(_ nom: String) -> Double? {
        statistiques.first { $0.nom == nom }?.valeur
    }

    /// A figure by the name the `comptes` headers and the registry of publications give it:
    /// `valeur`, `numerateur`, `denominateur`, `base` (of the breakdown's shares),
    /// `ligne:<clé>` (a line of the breakdown), or a statistic. Nil when it is not shown.
    public func chiffre(_ champ: String) -> Double? {
        switch champ {
        case "valeur": return valeur
        case "numerateur": return numerateur
        case "denominateur": return denominateur
        case "base": return repartition.lazy.compactMap(\.base).first
        default:
            if champ.hasPrefix("ligne:") { return repartition.first { "ligne:" + $0.cle == champ }?.n }
            return statistique(champ)
        }
    }

    /// Why the figure ``chiffre(_:)`` names is withheld; nil when it is shown (and for the base
    /// of the shares, withheld with the breakdown's total rather than as a figure of its own).
    public func retenue(_ champ: String) -> Retenue? {
        switch champ {
        case "valeur": return valeurRetenue
        case "numerateur": return numerateurRetenu
        case "denominateur": return denominateurRetenu
        case "base": return nil
        default:
            if champ.hasPrefix("ligne:") { return repartition.first { "ligne:" + $0.cle == champ }?.retenue }
            return statistiques.first { $0.nom == champ }?.retenue
        }
    }

    /// What the target is compared with: the rate when there is one, else the value.
    public var mesureComparee: Double? { aUnTaux ? taux : valeur }

    public init(indicateur: Indicateur) {
        self.indicateur = indicateur
    }
}

/// The indicator table for a period: every indicator of `Queries/`, with N-1.
public struct TableauIndicateurs: Sendable {
    public var periode: Periode
    public var territoire: String?
    public var diffusion: Diffusion
    /// When the data were read (reports state it: a January report shows December's requests
    /// with the propositions known so far).
    public var extraction: Date
    public var seuil: Int
    public var indicateurs: [ValeurIndicateur]
    /// The same indicators for the same period one year earlier.
    public var precedent: [ValeurIndicateur]
    /// What the small-count protection withheld (`externe` only).
    public var protection: BilanProtection?

    public subscript(code: String) -> ValeurIndicateur? {
        indicateurs.first { $0.code == code }
    }

    public func precedent(_ code: String) -> ValeurIndicateur? {
        precedent.first { $0.code == code }
    }

}
