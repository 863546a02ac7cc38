import Foundation
import ObservatoireCore
import ObservatoireIndicateurs

// Small computed helpers over the render stage's input, for the HTML pages.

extension DonneesRapport {
    /// The year of comparison (N-1).
    public var anneePrecedente: Int { annee - 1 }

    /// The indicator `code` of the year, and of N-1.
    public func valeur(_ code: String) -> ValeurIndicateur? { tableau[code] }
    public func precedent(_ code: String) -> ValeurIndicateur? { tableau.precedent(code) }

    /// The indicators computed by territory, in the order of the indicator table.
    public var codesTerritoriaux: [String] {
        tableau.indicateurs.filter(\.indicateur.territorial).map(\.code)
    }
}

extension DonneesTableauDeBord {
    /// The values of indicator `code` for each month shown, oldest first (nil when absent).
    public func serie(_ code: String) -> [ValeurIndicateur?] {
        parMois.map { mois in mois.first { $0.code == code } }
    }

    /// The indicators of the dashboard, in the order of the indicator table.
    public var indicateurs: [Indicateur] {
        cumul.indicateurs.map(\.indicateur)
    }
}
