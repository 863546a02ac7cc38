import Foundation
import ObservatoireCore

/// Who a result is for: the coordinator's internal use shows every value; `externe` (reports
/// sent outside the C360) applies the small-count rule everywhere.
public enum Diffusion: String, Sendable, CaseIterable {
    case interne, externe
}

/// One line of a breakdown.
public struct LigneRepartition: Equatable, Sendable {
    public var cle: String
    /// The count (or the ETP for 4.3); nil when masked.
    public var n: Double?
    /// Share of `base`, in percent with one decimal; nil when not computable or masked.
    public var taux: Double?
    public var base: Double?
    /// Masked because the count is small (shown « < 5 »).
    public var masquee = false
    /// Masked by secondary suppression: not small itself, but it would give the small one
    /// away by subtraction from the total (shown « secret »).
    public var secondaire = false

    public init(cle: String, n: Double?, taux: Double?, base: Double?, masquee: Bool = false) {
        self.cle = cle
        self.n = n
        self.taux = taux
        self.base = base
        self.masquee = masquee
    }
}

/// A named statistic (mean, median… of 1.7).
public struct Statistique: Equatable, Sendable {
    public var nom: String
    public var valeur: Double?
    public var masquee = false

    public init(nom: String, valeur: Double?) {
        self.nom = nom
        self.valeur = valeur
    }
}

/// The computed figures of one indicator for one period (and territory).
public struct ValeurIndicateur: Equatable, Sendable {
    public let indicateur: Indicateur
    /// Nil when not computable (a mean over nothing) or masked.
    public var valeur: Double?
    public var valeurMasquee = false
    public var numerateur: Double?
    public var denominateur: Double?
    public var numerateurMasque = false
    public var denominateurMasque = false
    /// `numerateur / denominateur` in percent, one decimal; nil when the denominator is 0
    /// (*non calculable*) or masked.
    public var taux: Double?
    public var tauxMasque = false
    public var statistiques: [Statistique] = []
    public var repartition: [LigneRepartition] = []
    public var cible: Cible?
    /// Whether the target is met; nil without a target or without a value.
    public var atteinte: Bool?

    public var code: String { indicateur.code }
    /// The indicator is a rate (numerator over denominator).
    public var aUnTaux: Bool { denominateur != nil || denominateurMasque }

    public func statistique(_ nom: String) -> Double? {
        statistiques.first { $0.nom == nom }?.valeur
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

    public subscript(code: String) -> ValeurIndicateur? {
        indicateurs.first { $0.code == code }
    }

    public func precedent(_ code: String) -> ValeurIndicateur? {
        precedent.first { $0.code == code }
    }

    public var officiels: [ValeurIndicateur] { indicateurs.filter(\.indicateur.estOfficiel) }
    public var complementaires: [ValeurIndicateur] { indicateurs.filter { !$0.indicateur.estOfficiel } }
}
