import Foundation

/// The matching rule of `spec/format-export.md` for header names and enumerated values:
/// case, accents, spaces, hyphens, underscores, apostrophes and other punctuation are
/// ignored, and ligatures are unfolded.
///
/// ```swift
/// Normalisation.cle("Membre cœur")        // "membrecoeur"
/// Normalisation.cle("membre_coeur")       // "membrecoeur"
/// Normalisation.cle("Acceptée")           // "acceptee"
/// Normalisation.cle("Adulte SH") == Normalisation.cle("adulte-sh")   // true
/// ```
///
/// Only letters and digits are kept: this is slightly broader than the spec's list (a header
/// such as `Repérage (O/N)` matches `reperage_o_n`), and never merges two values of the spec.
public enum Normalisation {
    @inlinable  // specialised where it is called (for String): unspecialised, every byte went through protocol witnesses
    public static func cle<S: StringProtocol>(_ texte: S) -> String {
        // Fast path: pure ASCII, the common case for headers and enumerated values.
        var ascii = true
        for b in texte.utf8 where b >= 0x80 { ascii = false; break }
        if ascii {
            var octets: [UInt8] = []
            octets.reserveCapacity(texte.utf8.count)
            for b in texte.utf8 {
                switch b {
                case UInt8(ascii: "a")...UInt8(ascii: "z"), UInt8(ascii: "0")...UInt8(ascii: "9"):
                    octets.append(b)
                case UInt8(ascii: "A")...UInt8(ascii: "Z"):
                    octets.append(b + 32)
                default:
                    continue
                }
            }
            return String(decoding: octets, as: UTF8.self)
        }
        var resultat = String.UnicodeScalarView()
        for scalaire in String(texte).decomposedStringWithCanonicalMapping.unicodeScalars {
            switch scalaire {
            case "œ", "Œ": resultat.append(contentsOf: "oe".unicodeScalars)
            case "æ", "Æ": resultat.append(contentsOf: "ae".unicodeScalars)
            case "ß": resultat.append(contentsOf: "ss".unicodeScalars)
            default:
                if scalaire.properties.generalCategory == .nonspacingMark { continue }
                guard scalaire.properties.isAlphabetic || scalaire.properties.numericType != nil else { continue }
                for s in scalaire.properties.lowercaseMapping.unicodeScalars { resultat.append(s) }
            }
        }
        return String(resultat)
    }

    /// Whether a text with no letter and no digit (its ``cle(_:)`` is empty) holds a symbol all
    /// the same: a check mark (✓ ✗ ☑ ✅), a star, an emoji, an arrow, a currency or math sign.
    /// Such a cell is not empty — someone typed something — and must be reported as a value not
    /// understood, never read as empty. Punctuation alone (`-`, `?`, `.`, `/`) and white space
    /// are not symbols: a dash or a question mark is the usual way to leave a cell blank.
    /// Only called on the rare texts whose key is empty.
    public static func symbolique<S: StringProtocol>(_ texte: S) -> Bool {
        texte.unicodeScalars.contains { s in
            // An empty box (☐ □ ▢) is a box nobody ticked: an empty cell, as before check marks
            // were read (the regression review's M5: it was refused while ☑ was read).
            if s == "\u{2610}" || s == "\u{25A1}" || s == "\u{25A2}" { return false }
            switch s.properties.generalCategory {
            case .mathSymbol, .currencySymbol, .modifierSymbol, .otherSymbol: return true
            default: return s.properties.isEmojiPresentation
            }
        }
    }

    /// Removes white space (and non-breaking spaces) at both ends. Returns the string itself,
    /// without copying, when there is nothing to remove (the common case).
    public static func rogner(_ s: String) -> String {
        func blanc(_ c: Character) -> Bool { c == " " || c == "\t" || c == "\n" || c == "\r" || c == "\u{A0}" || c == "\u{202F}" }
        // Fast path on bytes (walking Characters means grapheme breaking): an ASCII letter or
        // digit at both ends means there is nothing to remove.
        guard let b0 = s.utf8.first, let b1 = s.utf8.last else { return s }
        func net(_ b: UInt8) -> Bool { b > 32 && b < 128 }
        if net(b0) && net(b1) { return s }
        guard let premier = s.first, let dernier = s.last else { return s }
        if !blanc(premier) && !blanc(dernier) { return s }
        guard let debut = s.firstIndex(where: { !blanc($0) }), let fin = s.lastIndex(where: { !blanc($0) }) else { return "" }
        return String(s[debut...fin])
    }

    /// Trims spaces (including non-breaking ones) and collapses inner runs of white space,
    /// the treatment of free text values such as a territory or an organisation name.
    @inlinable  // specialised where it is called (for String): unspecialised, every byte went through protocol witnesses
    public static func texte<S: StringProtocol>(_ texte: S) -> String {
        // Fast path: no white space but single inner spaces, none at the ends.
        var precedentEspace = true
        var simple = true
        for b in texte.utf8 {
            if b == 32 {
                if precedentEspace { simple = false; break }
                precedentEspace = true
            } else if b < 32 || b == 0xC2 || b == 0xE2 {
                simple = false  // tab, line break, or possibly a non-breaking space
                break
            } else {
                precedentEspace = false
            }
        }
        if simple && !precedentEspace { return String(texte) }
        var morceaux: [Substring] = []
        for m in texte.split(whereSeparator: { $0.isWhitespace }) { morceaux.append(Substring(m)) }
        return morceaux.joined(separator: " ")
    }

    /// The distance between two strings (Levenshtein), used to suggest the closest known
    /// name when a column or a value is not recognised.
    public static func distance(_ a: String, _ b: String) -> Int {
        let x = Array(a.unicodeScalars), y = Array(b.unicodeScalars)
        if x.isEmpty { return y.count }
        if y.isEmpty { return x.count }
        var precedent = Array(0...y.count)
        var courant = [Int](repeating: 0, count: y.count + 1)
        for i in 1...x.count {
            courant[0] = i
            for j in 1...y.count {
                let cout = x[i - 1] == y[j - 1] ? 0 : 1
                courant[j] = min(precedent[j] + 1, courant[j - 1] + 1, precedent[j - 1] + cout)
            }
            swap(&precedent, &courant)
        }
        return precedent[y.count]
    }

    /// The candidates closest to `valeur` (after normalisation), best first.
    public static func plusProches(_ valeur: String, parmi candidats: [String], maximum: Int = 3) -> [String] {
        let v = cle(valeur)
        let notes = candidats.map { c -> (String, Int) in
            let n = cle(c)
            var d = distance(v, n)
            if !v.isEmpty && (n.contains(v) || v.contains(n)) { d = min(d, 1) }
            return (c, d)
        }
        let seuil = max(2, v.count / 2)
        return notes.filter { $0.1 <= seuil }.sorted { $0.1 < $1.1 }.prefix(maximum).map { $0.0 }
    }
}
