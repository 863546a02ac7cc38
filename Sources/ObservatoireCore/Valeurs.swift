import Foundation

/// The reading rules of `spec/format-export.md` for single values: dates, booleans, numbers
/// and lists. Each function takes the raw text of a cell and says what it holds.
public enum Valeurs {
    public enum Lecture<T> {
        /// The cell is empty (after trimming).
        case vide
        case valeur(T)
        /// The cell holds something that is not a value of this type.
        case invalide
    }

    /// Dates: `YYYY-MM-DD`, `DD/MM/YYYY` or `DD/MM/YY`, always in French order (day first),
    /// never US order. `-` and `.` are also accepted between day, month and a four-digit year.
    /// A time after the date (`14/03/2025 00:00`, `2025-03-14T10:00`), as some tools export it,
    /// is ignored. A two-digit year is 20YY, unless that is after `pivot` (then 19YY).
    /// With `serielExcel`, a plain number is read as an Excel date serial (cells of `.xlsx`).
    /// A French date written with its month's name, as Excel or LibreOffice write a cell shown
    /// as « J MMM AAAA » when saved as CSV (`3 févr. 2025`, `03-févr.-2025`, `1er mars 2025`),
    /// is read too: see ``dateEnLettres(_:)``.
    public static func date(_ brut: String, pivot: Int, serielExcel: Bool = false, dates1904: Bool = false) -> Lecture<Jour> {
        let lecture = dateEnChiffres(brut, pivot: pivot, serielExcel: serielExcel, dates1904: dates1904)
        // Only a text holding a letter can be a month's name: digits-only dates never pay for it.
        guard case .invalide = lecture, brut.utf8.contains(where: { $0 >= 0x80 || ($0 | 0x20 >= 0x61 && $0 | 0x20 <= 0x7A) }),
              let jour = dateEnLettres(brut) else { return lecture }
        return .valeur(jour)
    }

    private static func dateEnChiffres(_ brut: String, pivot: Int, serielExcel: Bool, dates1904: Bool) -> Lecture<Jour> {
        // No date is that long (a time after it included): a huge cell is refused at once.
        let texte = Normalisation.rogner(brut)
        if texte.isEmpty { return .vide }
        if texte.utf8.count > 64 { return .invalide }
        if serielExcel, texte.utf8.allSatisfy({ ($0 >= 48 && $0 <= 57) || $0 == 46 }), texte.utf8.filter({ $0 == 46 }).count <= 1 {
            if let n = Double(texte), let j = Jour(serielExcel: n, systeme1904: dates1904) { return .valeur(j) }
            return .invalide
        }
        // Byte-level parsing: this runs for every date of every row (three groups at most, kept
        // in locals rather than arrays: no allocation per date).
        var groupes = (0, 0, 0)
        var longueurs = (0, 0, 0)
        var nombreGroupes = 0
        var separateur: UInt8 = 0
        var valeur = 0, longueur = 0
        for b in texte.utf8 {
            if b == UInt8(ascii: " ") || b == UInt8(ascii: "T") { break } // a time follows: ignored
            if b >= UInt8(ascii: "0") && b <= UInt8(ascii: "9") {
                valeur = valeur * 10 + Int(b - UInt8(ascii: "0"))
                longueur += 1
                if longueur > 4 { return .invalide }
            } else if b == UInt8(ascii: "/") || b == UInt8(ascii: "-") || b == UInt8(ascii: ".") {
                guard longueur > 0, separateur == 0 || separateur == b, nombreGroupes < 2 else { return .invalide }
                separateur = b
                if nombreGroupes == 0 { groupes.0 = valeur; longueurs.0 = longueur } else { groupes.1 = valeur; longueurs.1 = longueur }
                nombreGroupes += 1
                valeur = 0
                longueur = 0
            } else {
                return .invalide
            }
        }
        guard longueur > 0, nombreGroupes == 2 else { return .invalide }
        groupes.2 = valeur
        longueurs.2 = longueur
        let jour: Jour?
        if longueurs.0 == 4 {
            // Year first: only the ISO form YYYY-MM-DD.
            guard separateur == UInt8(ascii: "-"), longueurs.1 <= 2, longueurs.2 <= 2 else { return .invalide }
            jour = Jour(annee: groupes.0, mois: groupes.1, jour: groupes.2)
        } else if longueurs.2 == 4 {
            guard longueurs.0 <= 2, longueurs.1 <= 2 else { return .invalide }
            jour = Jour(annee: groupes.2, mois: groupes.1, jour: groupes.0)
        } else if longueurs.2 == 2, separateur == UInt8(ascii: "/") {
            guard longueurs.0 <= 2, longueurs.1 <= 2 else { return .invalide }
            let annee = 2000 + groupes.2 > pivot ? 1900 + groupes.2 : 2000 + groupes.2
            jour = Jour(annee: annee, mois: groupes.1, jour: groupes.0)
        } else {
            return .invalide
        }
        guard let jour else { return .invalide }
        return .valeur(jour)
    }

    /// The months' names, without accents, for ``dateEnLettres(_:)``.
    private static let moisEnLettres = ["janvier", "fevrier", "mars", "avril", "mai", "juin", "juillet",
                                        "aout", "septembre", "octobre", "novembre", "decembre"]

    /// A French date « day, month's name, year »: `3 février 2025`, `3 févr. 2025`,
    /// `03-févr.-2025`, `1er mars 2025`, `3 FEVRIER 2025`. The month is its full name or any
    /// beginning of it of at least three letters that names one month only (`févr`, `fev`,
    /// `sept`, `juil`; not `jui`, which could be June or July), with or without its dot, accents
    /// and case ignored. Only a four-digit year is read (`3 févr. 25` stays ambiguous), and an
    /// impossible day (`31 févr. 2025`) is refused. A time after the year (` 14:00`) is ignored,
    /// as after a date in figures. Nil for anything else.
    public static func dateEnLettres(_ brut: String) -> Jour? {
        let texte = Normalisation.rogner(brut)
        guard texte.utf8.count <= 64 else { return nil }
        let separateurs: Set<Character> = [" ", "\u{A0}", "\u{202F}", "\t", "-", "/", "."]
        let morceaux = texte.split(whereSeparator: { separateurs.contains($0) })
        guard morceaux.count >= 3 else { return nil }
        // The day: one or two digits, or « 1er ».
        var jourTexte = Substring(morceaux[0])
        if jourTexte.lowercased() == "1er" { jourTexte = "1" }
        guard (1...2).contains(jourTexte.count), jourTexte.allSatisfy({ $0.isASCII && $0.isNumber }), let jour = Int(jourTexte) else { return nil }
        // The month: letters only.
        guard morceaux[1].allSatisfy(\.isLetter) else { return nil }
        let cle = Normalisation.cle(morceaux[1])
        guard cle.count >= 3 else { return nil }
        let candidats = moisEnLettres.indices.filter { moisEnLettres[$0].hasPrefix(cle) }
        guard candidats.count == 1 else { return nil }
        // The year: exactly four digits.
        let anneeTexte = morceaux[2]
        guard anneeTexte.count == 4, anneeTexte.allSatisfy({ $0.isASCII && $0.isNumber }), let annee = Int(anneeTexte) else { return nil }
        // Anything after the year must be a time (`14:00`, `14:00:00`).
        for reste in morceaux.dropFirst(3) {
            guard reste.allSatisfy({ ($0.isASCII && $0.isNumber) || $0 == ":" }), reste.contains(":") else { return nil }
        }
        return Jour(annee: annee, mois: candidats[0] + 1, jour: jour)
    }

    /// Booleans: `oui`/`non`, `o`/`n`, `1`/`0`, `true`/`false`, `vrai`/`faux`, `x`/empty,
    /// case-insensitive (`Oui`, `VRAI`, `X`), and the check marks of spreadsheets (see
    /// ``coche(_:)``). Empty is *non renseigné*; any other symbol alone (`★`, `→`) is
    /// `.invalide`, never empty (``Normalisation/symbolique(_:)``).
    public static func booleen(_ brut: String) -> Lecture<Bool> {
        // An exact accepted spelling is its own normalised key: the text is normalised (an
        // allocation) only when it is not one.
        if let l = booleenNormalise(brut) { return l }
        let cle = Normalisation.cle(brut)
        if cle.isEmpty {
            // No letter, no digit: a check mark, another symbol, or really nothing.
            if let b = coche(brut) { return .valeur(b) }
            return Normalisation.symbolique(brut) ? .invalide : .vide
        }
        return booleenNormalise(cle) ?? .invalide
    }

    /// Check marks meaning yes, and crosses meaning no (with or without an emoji variation
    /// selector): what a tracker's O/N column often holds instead of a word.
    static let cochesOui: Set<Unicode.Scalar> = ["\u{2713}", "\u{2714}", "\u{2611}", "\u{2705}", "\u{1F5F8}"]  // ✓ ✔ ☑ ✅ 🗸
    /// An empty box (☐ □ ▢) is the unticked counterpart of ☑: no (the second regression
    /// review's M5: read as blank, it made a required column « vide »).
    static let cochesNon: Set<Unicode.Scalar> = ["\u{2717}", "\u{2718}", "\u{2612}", "\u{274C}", "\u{274E}", "\u{2610}", "\u{25A1}", "\u{25A2}"]  // ✗ ✘ ☒ ❌ ❎ ☐ □ ▢

    /// The reading of a cell made of check marks only (`✓`, `✔️`, `✗`): true for a tick, false for
    /// a cross, nil for anything else (a tick and a cross together, another symbol, text).
    /// Deliberately not `×` or `✕`: a multiplication sign may stand for an `x` (yes) as well as
    /// for a cross (no), so it is reported as not understood.
    public static func coche<S: StringProtocol>(_ texte: S) -> Bool? {
        var oui = false, non = false
        for s in texte.unicodeScalars {
            if cochesOui.contains(s) { oui = true } else if cochesNon.contains(s) { non = true }
            else if s == "\u{FE0E}" || s == "\u{FE0F}" || s.properties.isWhitespace { continue }
            else { return nil }
        }
        return oui == non ? nil : oui
    }

    /// The reading of a normalised boolean key; nil for any other text.
    private static func booleenNormalise(_ cle: String) -> Lecture<Bool>? {
        switch cle {
        case "": return .vide
        case "oui", "o", "1", "true", "vrai", "x": return .valeur(true)
        case "non", "n", "0", "false", "faux": return .valeur(false)
        default: return nil
        }
    }

    /// Decimals with a decimal point or a decimal comma (`0,5` = `0.5`).
    public static func decimal(_ brut: String) -> Lecture<Double> {
        let t = Normalisation.rogner(brut)
        if t.isEmpty { return .vide }
        guard t.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "," || $0 == "." || $0 == "-" || $0 == "+") }),
              t.filter({ $0 == "," || $0 == "." }).count <= 1,
              let v = Double(t.replacingOccurrences(of: ",", with: ".")), v.isFinite else { return .invalide }
        return .valeur(v)
    }

    /// A full-time equivalent: a decimal (``decimal(_:)``), or a percentage as a spreadsheet
    /// writes a cell formatted « % » to CSV (`50%`, `80 %`, `100 %`), read as its hundredth
    /// (0,5 ; 0,8 ; 1).
    public static func etp(_ brut: String) -> Lecture<Double> {
        let lecture = decimal(brut)
        guard case .invalide = lecture else { return lecture }
        var t = Normalisation.rogner(brut)
        guard t.hasSuffix("%") else { return .invalide }
        t.removeLast()
        // The space before « % » may be a non-breaking one (French typography).
        t = Normalisation.rogner(t)
        guard !t.isEmpty, case .valeur(let x) = decimal(t) else { return .invalide }
        return .valeur(x / 100)
    }

    /// Whether a date cell holds a month and a year but no day (`février 2025`, `févr. 2025`,
    /// `02/2025`): what to tell is that the day is missing.
    public static func moisSansJour(_ brut: String) -> Bool {
        let texte = Normalisation.rogner(brut)
        guard texte.utf8.count <= 64 else { return false }
        let separateurs: Set<Character> = [" ", "\u{A0}", "\u{202F}", "\t", "-", "/", "."]
        let morceaux = texte.split(whereSeparator: { separateurs.contains($0) })
        guard morceaux.count == 2, morceaux[1].count == 4, morceaux[1].allSatisfy({ $0.isASCII && $0.isNumber }) else { return false }
        let mois = morceaux[0]
        if mois.allSatisfy({ $0.isASCII && $0.isNumber }) { return Int(mois).map { (1...12).contains($0) && mois.count <= 2 } ?? false }
        guard mois.allSatisfy(\.isLetter) else { return false }
        let cle = Normalisation.cle(mois)
        return cle.count >= 3 && moisEnLettres.filter { $0.hasPrefix(cle) }.count == 1
    }

    /// Whole numbers; `2.0` or `2,0` (as a spreadsheet may write them) are read as 2.
    public static func entier(_ brut: String) -> Lecture<Int> {
        // Fast path: only ASCII digits.
        if !brut.isEmpty, brut.utf8.count < 16, brut.utf8.allSatisfy({ $0 >= 48 && $0 <= 57 }) {
            var n = 0
            for b in brut.utf8 { n = n * 10 + Int(b - 48) }
            return .valeur(n)
        }
        switch decimal(brut) {
        case .vide: return .vide
        case .invalide: return .invalide
        case .valeur(let v):
            guard v == v.rounded(), abs(v) < 1e15 else { return .invalide }
            return .valeur(Int(v))
        }
    }

    /// Lists: values separated by `|` (also `,` and `;`, as found inside a quoted field).
    /// Empty items are dropped.
    public static func liste(_ brut: String) -> [String] {
        if brut.isEmpty { return [] }
        // Fast path on bytes for ASCII text (splitting on Characters means grapheme breaking;
        // with ASCII only, bytes and Characters are the same). Other text keeps the Character
        // split: a separator followed by a combining mark is one Character, not a separator.
        if brut.utf8.allSatisfy({ $0 < 0x80 }) {
            var resultat: [String] = []
            for morceau in brut.utf8.split(whereSeparator: { $0 == 0x7C || $0 == 0x2C || $0 == 0x3B }) {
                let e = Normalisation.rogner(String(decoding: morceau, as: UTF8.self))
                if !e.isEmpty { resultat.append(e) }
            }
            return resultat
        }
        return brut.split(whereSeparator: { $0 == "|" || $0 == "," || $0 == ";" })
            .map { Normalisation.rogner(String($0)) }
            .filter { !$0.isEmpty }
    }
}
