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
    public static func date(_ brut: String, pivot: Int, serielExcel: Bool = false) -> Lecture<Jour> {
        var texte = brut.trimmingCharacters(in: .whitespaces)
        if texte.isEmpty { return .vide }
        if let espace = texte.firstIndex(where: { $0 == " " || $0 == "T" }) {
            texte = String(texte[..<espace])
        }
        if serielExcel, let n = Double(texte), texte.allSatisfy({ $0.isNumber || $0 == "." }) {
            if let j = Jour(serielExcel: n) { return .valeur(j) }
            return .invalide
        }
        let separateurs: Set<Character> = ["/", "-", "."]
        guard let sep = texte.first(where: { separateurs.contains($0) }) else { return .invalide }
        let parties = texte.split(separator: sep, omittingEmptySubsequences: false)
        guard parties.count == 3, parties.allSatisfy({ !$0.isEmpty && $0.allSatisfy(\.isASCII) && $0.allSatisfy(\.isNumber) }),
              let p0 = Int(parties[0]), let p1 = Int(parties[1]), let p2 = Int(parties[2]) else { return .invalide }
        let jour: Jour?
        if parties[0].count == 4 {
            // Year first: only ISO form YYYY-MM-DD.
            guard sep == "-", parties[1].count <= 2, parties[2].count <= 2 else { return .invalide }
            jour = Jour(annee: p0, mois: p1, jour: p2)
        } else if parties[2].count == 4 {
            guard parties[0].count <= 2, parties[1].count <= 2 else { return .invalide }
            jour = Jour(annee: p2, mois: p1, jour: p0)
        } else if parties[2].count == 2, sep == "/" {
            guard parties[0].count <= 2, parties[1].count <= 2 else { return .invalide }
            let annee = 2000 + p2 > pivot ? 1900 + p2 : 2000 + p2
            jour = Jour(annee: annee, mois: p1, jour: p0)
        } else {
            return .invalide
        }
        guard let jour else { return .invalide }
        return .valeur(jour)
    }

    /// Booleans: `oui`/`non`, `o`/`n`, `1`/`0`, `true`/`false`, `vrai`/`faux`, `x`/empty,
    /// case-insensitive (`Oui`, `VRAI`, `X`). Empty is *non renseigné*.
    public static func booleen(_ brut: String) -> Lecture<Bool> {
        let t = Normalisation.cle(brut)
        switch t {
        case "": return .vide
        case "oui", "o", "1", "true", "vrai", "x": return .valeur(true)
        case "non", "n", "0", "false", "faux": return .valeur(false)
        default: return .invalide
        }
    }

    /// Decimals with a decimal point or a decimal comma (`0,5` = `0.5`).
    public static func decimal(_ brut: String) -> Lecture<Double> {
        let t = brut.trimmingCharacters(in: .whitespaces)
        if t.isEmpty { return .vide }
        guard t.allSatisfy({ $0.isASCII && ($0.isNumber || $0 == "," || $0 == "." || $0 == "-" || $0 == "+") }),
              t.filter({ $0 == "," || $0 == "." }).count <= 1,
              let v = Double(t.replacingOccurrences(of: ",", with: ".")), v.isFinite else { return .invalide }
        return .valeur(v)
    }

    /// Whole numbers; `2.0` or `2,0` (as a spreadsheet may write them) are read as 2.
    public static func entier(_ brut: String) -> Lecture<Int> {
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
        brut.split(whereSeparator: { $0 == "|" || $0 == "," || $0 == ";" })
            .map { $0.trimmingCharacters(in: .whitespaces) }
            .filter { !$0.isEmpty }
    }
}
