import Foundation

extension Periode {
    /// The period in a file name: `2025`, `2025-T2`, `2025-03`, or `2025-01-01_2025-06-30`.
    public var code: String {
        if estUneAnnee { return String(debut.annee) }
        if debut == debut.debutDuMois && fin == debut.finDuMois { return String(debut.iso.prefix(7)) }
        let t = (debut.mois - 1) / 3 + 1
        if self == Periode.trimestre(debut.annee, t) { return "\(debut.annee)-T\(t)" }
        return "\(debut.iso)_\(fin.iso)"
    }
}
