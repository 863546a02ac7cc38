import Foundation

/// French number formatting for what people read (terminal, HTML): `5 000`, `25,6`, `72,4 %`.
/// Machine outputs (JSON, CSV) keep plain numbers.
///
/// ```swift
/// FormatFrancais.entier(5000)          // "5 000"
/// FormatFrancais.decimal(25.64, 1)     // "25,6"
/// FormatFrancais.pourcentage(72.4)     // "72,4 %"
/// ```
public enum FormatFrancais {
    /// The thousands separator and the space before `%`. A plain space suits terminals;
    /// HTML uses a non-breaking space so that `5 000` is never cut at the end of a line.
    public static let espace = " "

    public static func entier(_ n: Int, espace: String = FormatFrancais.espace) -> String {
        let chiffres = String(abs(n))
        var groupes: [Substring] = []
        var fin = chiffres.endIndex
        while fin > chiffres.startIndex {
            let debut = chiffres.index(fin, offsetBy: -3, limitedBy: chiffres.startIndex) ?? chiffres.startIndex
            groupes.insert(chiffres[debut..<fin], at: 0)
            fin = debut
        }
        return (n < 0 ? "−" : "") + groupes.joined(separator: espace)
    }

    /// A number with `decimales` digits after a decimal comma, thousands grouped.
    public static func decimal(_ x: Double, _ decimales: Int, espace: String = FormatFrancais.espace) -> String {
        guard x.isFinite else { return "—" }
        let facteur = pow(10.0, Double(decimales))
        let arrondi = abs(FormatFrancais.arrondi(x, decimales))
        let partieEntiere = Int(arrondi.rounded(.down))
        var texte = entier(partieEntiere, espace: espace)
        if decimales > 0 {
            let fraction = Int(((arrondi - Double(partieEntiere)) * facteur).rounded())
            texte += "," + String(format: "%0\(decimales)d", fraction)
        }
        return (x < 0 && arrondi != 0 ? "−" : "") + texte
    }

    /// A count with its noun, singular for 0 and 1 as in French (« 0 ligne rejetée »,
    /// « 1 rejetée », « 16 enregistrées »); `pluriel` when the plural is not the singular + « s »
    /// (« ligne lue » → « lignes lues »).
    ///
    /// ```swift
    /// FormatFrancais.pluriel(1, "rejetée")                                // "1 rejetée"
    /// FormatFrancais.pluriel(2500, "ligne lue", "lignes lues")            // "2 500 lignes lues"
    /// ```
    public static func pluriel(_ n: Int, _ singulier: String, _ pluriel: String? = nil, espace: String = FormatFrancais.espace) -> String {
        "\(entier(n, espace: espace)) \(abs(n) > 1 ? (pluriel ?? singulier + "s") : singulier)"
    }

    /// A percentage already expressed in percent (72.4 → `72,4 %`), one decimal.
    public static func pourcentage(_ x: Double, espace: String = FormatFrancais.espace) -> String {
        decimal(x, 1, espace: espace) + espace + "%"
    }

    /// A value that is a whole number when it can be (ETP `3` rather than `3,00` is not
    /// wanted: ETP always show two decimals, so use `decimal` for them).
    public static func nombre(_ x: Double, decimalesMax: Int = 1, espace: String = FormatFrancais.espace) -> String {
        x == x.rounded() ? entier(Int(x), espace: espace) : decimal(x, decimalesMax, espace: espace)
    }

    /// Rounds a value read from the data (an ETP of the team) half away from zero, on the
    /// decimal number it was written as: 0.575 is stored as 0.57499999…, its shortest decimal
    /// writing is `0.575`, which rounds to 0.58 (binary rounding would give 0.57).
    public static func arrondi(_ x: Double, _ decimales: Int = 1) -> Double {
        guard x.isFinite, var d = Decimal(string: "\(x)", locale: Locale(identifier: "en_US_POSIX")) else { return x }
        var r = Decimal()
        NSDecimalRound(&r, &d, decimales, .plain)
        // Through its decimal writing: NSDecimalNumber.doubleValue can miss the nearest double.
        return Double(r.description) ?? NSDecimalNumber(decimal: r).doubleValue
    }

    /// `numerateur / denominateur` rounded half away from zero to `decimales` digits, computed
    /// on whole numbers (never on a binary float): 23 × 0,75 / 30 = 0,575 → 0,58. Nil when the
    /// denominator is 0.
    public static func quotient(_ numerateur: Int64, _ denominateur: Int64, decimales: Int) -> Double? {
        guard denominateur != 0 else { return nil }
        var puissance: Int64 = 1
        for _ in 0..<decimales { puissance *= 10 }
        let negatif = (numerateur < 0) != (denominateur < 0)
        let (n, d) = (numerateur.magnitude, denominateur.magnitude)
        // floor((2·n·10^k + d) / (2·d)): half away from zero.
        let q = (2 * n * UInt64(puissance) + d) / (2 * d)
        return (negatif ? -1 : 1) * Double(q) / Double(puissance)
    }
}
