import Foundation
import Ink

/// HTML escaping of every value that comes from data or configuration (C360 name, territories,
/// members, file names): in element content, in attribute values and in SVG text alike.
///
/// ```swift
/// HTMLTexte.echapper("<script>alert(1)</script>")   // "&lt;script&gt;alert(1)&lt;/script&gt;"
/// ```
enum HTMLTexte {
    static func echapper(_ s: String) -> String {
        var r = ""
        r.reserveCapacity(s.utf8.count + 8)
        for c in s.unicodeScalars {
            switch c {
            case "&": r += "&amp;"
            case "<": r += "&lt;"
            case ">": r += "&gt;"
            case "\"": r += "&quot;"
            case "'": r += "&#39;"
            default:
                // Controls (other than tab and line breaks) and non-characters are parse errors in HTML.
                let v = c.value
                if (v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D) || (0x7F...0x9F).contains(v)
                    || (0xFDD0...0xFDEF).contains(v) || (v & 0xFFFE) == 0xFFFE { continue }
                r.unicodeScalars.append(c)
            }
        }
        return r
    }

    /// A CSS string literal (for `content:` in the print margin boxes), safe inside `<style>`.
    static func chaineCSS(_ s: String) -> String {
        var r = "\""
        for c in s.unicodeScalars {
            switch c {
            case "\"", "\\", "<", ">", "&": r += "\\" + String(c.value, radix: 16) + " "
            default:
                if c.value < 0x20 || c.value == 0x7F { r += " " } else { r.unicodeScalars.append(c) }
            }
        }
        return r + "\""
    }
}

/// Markdown written by people (the coordinator's narrative, the methodology) turned into HTML
/// that cannot break the page: rendered with Ink, then only a small set of tags is kept, without
/// their attributes. Any other tag (`<script>`, `<iframe>`, `<style>`, event handlers…) is shown
/// as text; links and images that point outside the page are removed (the page must work
/// offline and never call the network) — a link keeps its text and its address as text.
/// Headings are shifted so that the text's first level becomes `niveauDeBase`, never skipping a
/// level, so that the report keeps one `h1` and ordered headings.
enum MarkdownSur {
    static let balisesSimples: Set<String> = ["p", "em", "strong", "b", "i", "code", "pre", "blockquote", "ul", "ol", "li",
                                              "hr", "br", "del", "s", "sup", "sub", "thead", "tbody", "tr", "td", "th"]
    static let balisesVides: Set<String> = ["hr", "br"]

    static func html(_ markdown: String, niveauDeBase: Int, nomDesTableaux: String = "Tableau du texte") -> String {
        let brut = MarkdownParser().html(from: markdown)
        return nettoyer(brut, niveauDeBase: niveauDeBase, nomDesTableaux: nomDesTableaux)
    }

    struct Balise {
        var nom: String
        var fermante: Bool
        var attributs: [String: String]
    }

    static func nettoyer(_ brut: String, niveauDeBase: Int, nomDesTableaux: String) -> String {
        let c = Array(brut.unicodeScalars)
        // First pass: the heading levels in order, to map them without skipping a level.
        var niveaux: [Int] = []
        var i = 0
        while i < c.count {
            if c[i] == "<", i + 2 < c.count, c[i + 1] == "h" || c[i + 1] == "H", let n = Int(String(c[i + 2])), (1...6).contains(n),
               i + 3 < c.count, c[i + 3] == ">" || c[i + 3] == " " {
                niveaux.append(n)
            }
            i += 1
        }
        var correspondance: [Int] = []
        if let minimum = niveaux.min() {
            var precedent = niveauDeBase - 1
            for n in niveaux {
                let voulu = min(6, niveauDeBase + n - minimum, precedent + 1)
                correspondance.append(max(niveauDeBase, voulu))
                precedent = correspondance.last!
            }
        }

        var sortie = ""
        var titres = correspondance.makeIterator()
        var titresOuverts: [Int] = []
        var liens: [(garde: Bool, adresse: String?)] = []
        var tableaux = 0
        var texte = ""
        func viderTexte() {
            sortie += echapperTexte(texte)
            texte = ""
        }
        i = 0
        while i < c.count {
            guard c[i] == "<" else {
                texte.unicodeScalars.append(c[i])
                i += 1
                continue
            }
            // A comment: dropped.
            if i + 3 < c.count, c[i + 1] == "!", c[i + 2] == "-", c[i + 3] == "-" {
                var j = i + 4
                while j + 2 < c.count, !(c[j] == "-" && c[j + 1] == "-" && c[j + 2] == ">") { j += 1 }
                i = min(c.count, j + 3)
                continue
            }
            guard let (balise, fin) = lireBalise(c, depuis: i) else {
                texte += "<"
                i += 1
                continue
            }
            let source = String(String.UnicodeScalarView(c[i..<fin]))
            i = fin
            let nom = balise.nom
            viderTexte()
            if balisesSimples.contains(nom) {
                if balise.fermante {
                    if !balisesVides.contains(nom) { sortie += "</\(nom)>" }
                } else if nom == "th" {
                    sortie += "<th scope=\"col\">"
                } else if nom == "ol", let debut = balise.attributs["start"], let n = Int(debut) {
                    sortie += "<ol start=\"\(n)\">"
                } else {
                    sortie += "<\(nom)>"
                }
            } else if nom.count == 2, nom.first == "h", let n = Int(String(nom.last!)), (1...6).contains(n) {
                if balise.fermante {
                    if let ouvert = titresOuverts.popLast() { sortie += "</h\(ouvert)>" }
                } else {
                    let niveau = titres.next() ?? min(6, niveauDeBase)
                    titresOuverts.append(niveau)
                    sortie += "<h\(niveau)>"
                }
            } else if nom == "table" {
                if balise.fermante {
                    sortie += "</table></div>"
                } else {
                    tableaux += 1
                    sortie += "<div class=\"defilement\"><table class=\"tableau-texte\"><caption>\(HTMLTexte.echapper(nomDesTableaux)) \(tableaux)</caption>"
                }
            } else if nom == "a" {
                if balise.fermante {
                    if let lien = liens.popLast() {
                        if lien.garde { sortie += "</a>" }
                        if let adresse = lien.adresse { sortie += " <span class=\"adresse\">(" + HTMLTexte.echapper(adresse) + ")</span>" }
                    }
                } else {
                    let href = balise.attributs["href"] ?? ""
                    if href.hasPrefix("#"), href.dropFirst().allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
                        liens.append((true, nil))
                        sortie += "<a href=\"\(HTMLTexte.echapper(href))\">"
                    } else {
                        liens.append((false, adresseLisible(href)))
                    }
                }
            } else if nom == "img" {
                if let alt = balise.attributs["alt"], !alt.isEmpty {
                    sortie += "<span class=\"image-retiree\">[image non reprise : " + HTMLTexte.echapper(alt) + "]</span>"
                }
            } else {
                // Anything else is shown as it was written, as text.
                sortie += HTMLTexte.echapper(decoderEntites(source))
            }
        }
        viderTexte()
        for n in titresOuverts.reversed() { sortie += "</h\(n)>" }
        return sortie
    }

    /// The address of a link to the outside, as text, without its scheme (`mdph62.fr/aide`).
    static func adresseLisible(_ href: String) -> String? {
        var h = href.trimmingCharacters(in: .whitespaces)
        guard !h.isEmpty else { return nil }
        for prefixe in ["https://", "http://", "mailto:", "//"] where h.lowercased().hasPrefix(prefixe) {
            h = String(h.dropFirst(prefixe.count))
        }
        if h.lowercased().hasPrefix("javascript:") || h.lowercased().hasPrefix("data:") { return nil }
        if h.hasSuffix("/") { h.removeLast() }
        return h.isEmpty ? nil : h
    }

    /// Reads a tag at `debut` (`<name attr="…">`), or nil when `<` does not start a tag.
    static func lireBalise(_ c: [Unicode.Scalar], depuis debut: Int) -> (Balise, Int)? {
        var j = debut + 1
        var fermante = false
        if j < c.count, c[j] == "/" { fermante = true; j += 1 }
        guard j < c.count, c[j].isASCII, c[j].properties.isAlphabetic else { return nil }
        var nom = ""
        while j < c.count, c[j].isASCII, c[j].properties.isAlphabetic || ("0"..."9").contains(c[j]) || c[j] == "-" {
            nom.unicodeScalars.append(c[j])
            j += 1
        }
        guard !nom.isEmpty, nom.first!.isLetter else { return nil }
        var attributs: [String: String] = [:]
        while j < c.count {
            let x = c[j]
            if x == ">" { return (Balise(nom: nom.lowercased(), fermante: fermante, attributs: attributs), j + 1) }
            if x == " " || x == "\n" || x == "\t" || x == "\r" || x == "/" { j += 1; continue }
            var cle = ""
            while j < c.count, c[j] != "=", c[j] != ">", c[j] != " ", c[j] != "\n", c[j] != "\t", c[j] != "/" {
                cle.unicodeScalars.append(c[j])
                j += 1
            }
            var valeur = ""
            if j < c.count, c[j] == "=" {
                j += 1
                if j < c.count, c[j] == "\"" || c[j] == "'" {
                    let guillemet = c[j]
                    j += 1
                    while j < c.count, c[j] != guillemet { valeur.unicodeScalars.append(c[j]); j += 1 }
                    j += 1
                } else {
                    while j < c.count, c[j] != " ", c[j] != ">", c[j] != "\n" { valeur.unicodeScalars.append(c[j]); j += 1 }
                }
            }
            if !cle.isEmpty { attributs[cle.lowercased()] = decoderEntites(valeur) }
        }
        return nil
    }

    static let entitesConnues = ["amp", "lt", "gt", "quot", "apos", "nbsp", "laquo", "raquo", "hellip", "mdash", "ndash", "rsquo", "lsquo", "ldquo", "rdquo", "eacute", "egrave", "agrave", "ccedil"]

    /// Text between tags: `<` and `>` escaped, `&` kept only when it starts a known entity.
    static func echapperTexte(_ t: String) -> String {
        var r = ""
        let s = Array(t.unicodeScalars)
        var i = 0
        while i < s.count {
            let x = s[i]
            switch x {
            case "<": r += "&lt;"
            case ">": r += "&gt;"
            case "&":
                var j = i + 1
                var nom = ""
                while j < s.count, j - i < 12, s[j] != ";", s[j].isASCII, s[j].properties.isAlphabetic || ("0"..."9").contains(s[j]) || s[j] == "#" {
                    nom.unicodeScalars.append(s[j])
                    j += 1
                }
                let numerique = nom.hasPrefix("#") && nom.count > 1 && (Int(nom.dropFirst()) != nil
                    || ((nom.dropFirst().first == "x" || nom.dropFirst().first == "X") && Int(nom.dropFirst(2), radix: 16) != nil))
                if j < s.count, s[j] == ";", numerique || entitesConnues.contains(nom) {
                    r += "&" + nom + ";"
                    i = j + 1
                    continue
                }
                r += "&amp;"
            default:
                let v = x.value
                if (v < 0x20 && v != 0x09 && v != 0x0A && v != 0x0D) || (0x7F...0x9F).contains(v) { break }
                r.unicodeScalars.append(x)
            }
            i += 1
        }
        return r
    }

    /// The few entities Ink leaves in raw HTML, decoded before re-escaping (so `&lt;` stays one level deep).
    static func decoderEntites(_ s: String) -> String {
        guard s.contains("&") else { return s }
        return s.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&#39;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}
