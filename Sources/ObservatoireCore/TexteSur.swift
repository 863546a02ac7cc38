import Foundation

/// Text from data or from the file system (a cell, a file name, a territory) made safe for the
/// places it is shown: the terminal, the log, a note. Control characters never reach them raw
/// (an ESC would drive the terminal, a newline in a file name would forge a log line).
///
/// ```swift
/// TexteSur.surUneLigne("a\u{1B}[31m\nb")   // "a^[[31m^Jb"
/// TexteSur.pourTerminal("ligne 1\nligne 2\u{1B}")   // "ligne 1\nligne 2^["
/// ```
public enum TexteSur {
    /// Whether `s` is a control character (C0, DEL, C1) or a bidirectional override, which can
    /// reorder what a terminal shows.
    @inline(__always)
    public static func estControle(_ s: Unicode.Scalar) -> Bool {
        let v = s.value
        return v < 0x20 || (0x7F...0x9F).contains(v) || (0x202A...0x202E).contains(v) || (0x2066...0x2069).contains(v)
    }

    /// Every control character written in caret notation (`^[` for ESC, `^J` for a newline):
    /// the text stays on one line and shows that something odd was there.
    public static func surUneLigne(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: estControle) else { return s }
        var r = String.UnicodeScalarView()
        for c in s.unicodeScalars {
            if estControle(c) { r.append(contentsOf: caret(c).unicodeScalars) } else { r.append(c) }
        }
        return String(r)
    }

    /// For the terminal: line breaks and tabs written by the program are kept, every other
    /// control character is shown in caret notation.
    public static func pourTerminal(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: { estControle($0) && $0 != "\n" && $0 != "\t" }) else { return s }
        var r = String.UnicodeScalarView()
        for c in s.unicodeScalars {
            if estControle(c) && c != "\n" && c != "\t" { r.append(contentsOf: caret(c).unicodeScalars) } else { r.append(c) }
        }
        return String(r)
    }

    /// Control characters removed (for a name that must stay a name: a file name, a value).
    public static func sansControles(_ s: String) -> String {
        guard s.unicodeScalars.contains(where: estControle) else { return s }
        return String(String.UnicodeScalarView(s.unicodeScalars.filter { !estControle($0) }))
    }

    static func caret(_ c: Unicode.Scalar) -> String {
        switch c.value {
        case 0..<0x20: return "^" + String(Unicode.Scalar(UInt8(c.value + 0x40)))
        case 0x7F: return "^?"
        default: return String(format: "<U+%04X>", c.value)
        }
    }
}

/// Values of the exports are personal data: outside the database they are never quoted whole.
/// A message, a log line, a note or a reject keeps a short **masked excerpt** that shows the
/// value's shape (enough to find it on the line and column given) but not its content.
///
/// ```swift
/// Masque.extrait("06 98 76 54 32")   // "06 •• •• •• ••"
/// Masque.extrait("31/02/2025")       // "31/••/••••"
/// Masque.extrait("Mme Quintinvaldo") // "Mm• ••••••••••…"
/// Masque.extrait("oui")              // "oui" (four characters or fewer are not masked)
/// ```
public enum Masque {
    /// Values this short are quoted as they are: they cannot single anybody out.
    public static let longueurLibre = 4
    /// Characters of the excerpt after which it is cut (« … »).
    public static let longueurExtrait = 14

    public static func extrait(_ valeur: String) -> String {
        // Only the start matters: a value of 100 000 characters costs no more than a short one.
        let debut = String(String.UnicodeScalarView(valeur.unicodeScalars.prefix(4 * longueurExtrait)))
        let v = TexteSur.sansControles(debut).trimmingCharacters(in: .whitespacesAndNewlines)
        if v.count <= longueurLibre { return v }
        var r = ""
        for (i, c) in v.enumerated() {
            if i >= longueurExtrait { r += "…"; break }
            if i < 2 || !(c.isLetter || c.isNumber) { r.append(c) } else { r += "•" }
        }
        return r
    }

    /// The same, for an optional value (nil stays nil).
    public static func extrait(_ valeur: String?) -> String? { valeur.map { extrait($0) } }

    /// Header names for a message: those that look like names, quoted (at most `maximum`); the
    /// others counted, never quoted (a data row taken for a header would hold personal values).
    ///
    /// ```swift
    /// Masque.listeEntetes(["Date", "Mme Durand", "06 12 34 56 78"])   // "« Date » et 2 autres cellules, non citées"
    /// ```
    public static func listeEntetes(_ noms: [String], maximum: Int = 30) -> String {
        let nonVides = noms.map { Normalisation.texte($0) }.filter { !$0.isEmpty }
        let cites = nonVides.filter(ressembleAUnEnTete)
        let masquees = nonVides.count - cites.count
        var parties = cites.prefix(maximum).map { "« \($0) »" }
        if cites.count > maximum { parties.append("\(cites.count - maximum) autre\(cites.count - maximum > 1 ? "s" : "")") }
        var texte = parties.joined(separator: ", ")
        if masquees > 0 {
            let m = "\(masquees) \(cites.isEmpty ? "" : "autre\(masquees > 1 ? "s" : "") ")cellule\(masquees > 1 ? "s" : ""), non citée\(masquees > 1 ? "s" : "") (elle\(masquees > 1 ? "s" : "") ne ressemble\(masquees > 1 ? "nt" : "") pas à des noms de colonnes)"
            texte = texte.isEmpty ? m : texte + " et " + m
        }
        return texte.isEmpty ? "aucune" : texte
    }

    /// Whether a cell of a header row can be quoted as a column name: short, with letters, and
    /// nothing of what personal values look like (long digit runs, an e-mail address). Line
    /// breaks and tabs count as spaces (a name typed on two lines with Alt+Entrée), as in the
    /// names the readers give (``Normalisation/texte(_:)``).
    public static func ressembleAUnEnTete(_ s: String) -> Bool {
        let t = Normalisation.texte(s)
        guard !t.isEmpty, t.count <= 60, t.contains(where: \.isLetter), !t.contains("@") else { return false }
        guard !t.unicodeScalars.contains(where: TexteSur.estControle) else { return false }
        var chiffres = 0
        for c in t where c.isNumber { chiffres += 1 }
        return chiffres <= 4
    }
}

/// Writing a command the user can copy into a shell.
public enum Shell {
    /// `texte` as one word for a POSIX shell: left as it is when it only holds characters no
    /// shell treats specially (unless `toujours`: a path at the end of a sentence is quoted so
    /// that its full stop is plainly not part of it), otherwise in single quotes (an embedded
    /// `'` written `'\''`).
    ///
    /// ```swift
    /// Shell.citer("suivi.xlsx")                       // "suivi.xlsx"
    /// Shell.citer("Tableau C360 mars 2025.xlsx")      // "'Tableau C360 mars 2025.xlsx'"
    /// Shell.citer("l'export.csv")                     // "'l'\''export.csv'"
    /// ```
    public static func citer(_ texte: String, toujours: Bool = false) -> String {
        let surs = Set("abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./+,:@%=")
        if !toujours, !texte.isEmpty, texte.allSatisfy({ surs.contains($0) }) { return texte }
        return "'" + texte.replacingOccurrences(of: "'", with: #"'\''"#) + "'"
    }
}
