import Foundation

/// Progress of long work, shown on standard error only when it is a terminal (quiet under
/// cron and in tests). Updates are throttled to a few per second.
///
/// ```swift
/// let p = Progression(titre: "Import de sollicitations.csv", total: tailleEnOctets)
/// p.avancer(jusqua: octetsLus)
/// p.terminer()
/// ```
public final class Progression: @unchecked Sendable {
    /// Whether standard error is a terminal (can be forced off for tests).
    nonisolated(unsafe) public static var actif: Bool = isatty(STDERR_FILENO) == 1

    private let titre: String
    private let total: Int
    private var dernier: TimeInterval = 0
    private var affiche = false
    private let debut = Date()

    public init(titre: String, total: Int) {
        self.titre = titre
        self.total = max(total, 1)
    }

    public func avancer(jusqua valeur: Int) {
        guard Progression.actif else { return }
        let maintenant = Date().timeIntervalSinceReferenceDate
        guard maintenant - dernier >= 0.2 else { return }
        dernier = maintenant
        // Only once the work has lasted a little: short work shows nothing.
        guard Date().timeIntervalSince(debut) > 0.5 else { return }
        affiche = true
        let pourcent = min(100, valeur * 100 / total)
        let largeur = 30
        let plein = pourcent * largeur / 100
        let barre = String(repeating: "█", count: plein) + String(repeating: "░", count: largeur - plein)
        EcritureStandard.ecrire(STDERR_FILENO, "\r\(titre) \(barre) \(pourcent) %")
    }

    public func terminer() {
        guard Progression.actif, affiche else { return }
        EcritureStandard.ecrire(STDERR_FILENO, "\r\u{1B}[2K")
        affiche = false
    }
}
