import CCmark
import Foundation
import ObservatoireCore

/// Why a Markdown text (the narrative, a methodology from `modeles/`) is not rendered.
public struct ErreurMarkdown: Error, CustomStringConvertible, Sendable {
    public let raison: String
    public let conseil: String
    public var description: String { raison + " " + conseil }
}

/// Markdown written by people (the coordinator's narrative, the methodology) turned into HTML
/// that cannot break the page nor hang the run.
///
/// - Parsing: cmark, the CommonMark reference library (linear time, fuzzed upstream). cmark
///   0.30.2 (Debian 12) still has one quadratic case (CVE-2023-22486, repeated `![[]()`) inside
///   a paragraph, so a block of text (lines without a blank line between them) is bounded
///   (16 Ko), and so is the whole text (1 Mo): the worst case then takes well under a second.
/// - Rendering: written here from cmark's tree, not with cmark's HTML renderer, because the
///   page needs more than « raw HTML off »: raw HTML (`<script>`, `</table>`, `<iframe>`) is
///   shown as text, never as markup, so it cannot open or close anything; links and images that
///   point outside the page are removed (the page must work offline and never call the
///   network) — a link keeps its text and shows its address as text; headings are shifted so
///   that the text's first level becomes `niveauDeBase`, never skipping a level, so that the
///   report keeps one `h1` and ordered headings.
/// - Tables (`| a | b |` over `|---|---|`, as in GitHub): CommonMark has none, so table blocks
///   are found line by line here (outside code blocks), replaced by a marker paragraph for
///   cmark, and their cells rendered as inline Markdown by cmark.
enum MarkdownSur {
    /// Largest text rendered.
    static let tailleMaximale = 1 << 20
    /// Largest block of consecutive non-blank lines (cmark parses inline content block by block).
    static let blocMaximal = 16 << 10
    /// The marker of a table (a private-use character, removed from the text beforehand).
    static let marque: Unicode.Scalar = "\u{E000}"

    /// The HTML of `markdown`; a text that cannot be rendered gives a French note instead.
    static func html(_ markdown: String, niveauDeBase: Int, nomDesTableaux: String = "Tableau du texte") -> String {
        do {
            return try rendre(markdown, niveauDeBase: niveauDeBase, nomDesTableaux: nomDesTableaux)
        } catch let e as ErreurMarkdown {
            return "<div class=\"note-manquante\" role=\"note\"><p><strong>Texte non repris.</strong> " + HTMLTexte.echapper(e.raison)
                + " " + HTMLTexte.echapper(e.conseil) + "</p></div>"
        } catch {
            return ""
        }
    }

    static func rendre(_ markdown: String, niveauDeBase: Int, nomDesTableaux: String) throws -> String {
        let (texte, tableaux) = try preparer(markdown)
        var r = Rendu(niveauDeBase: niveauDeBase, nomDesTableaux: nomDesTableaux, tableaux: tableaux)
        return try r.document(texte)
    }

    // MARK: - Before cmark: cleaning, bounds, tables

    /// A table found in the text: its cells (header first), and its lines as written (shown as
    /// they are when its marker ends up inside a code block or raw HTML).
    struct Tableau {
        var cellules: [[String]]
        var source: String
    }

    /// The text for cmark (tables replaced by markers) and the tables.
    static func preparer(_ markdown: String) throws -> (String, [Tableau]) {
        // Control characters (but tab and line breaks) and the marker characters go.
        var propre = String.UnicodeScalarView()
        for c in markdown.unicodeScalars where c == "\t" || c == "\n" || c == "\r" || !(TexteSur.estControle(c) || c == marque || c == "\u{E001}") {
            propre.append(c)
        }
        let texte = String(propre)
        if texte.utf8.count > tailleMaximale {
            throw ErreurMarkdown(raison: "Le texte dépasse \(tailleMaximale >> 20) Mo.",
                                 conseil: "Raccourcissez-le : le rapport n'en reprend que le texte.")
        }
        let lignes = texte.split(separator: "\n", omittingEmptySubsequences: false).map { l -> Substring in
            l.hasSuffix("\r") ? l.dropLast() : l
        }
        var sortie: [Substring] = []
        var tableaux: [Tableau] = []
        var clotureBloc: (Character, Int)?
        var taillebloc = 0, debutBloc = 0
        var i = 0
        func verifierBloc(_ taille: Int, _ ligne: Int) throws {
            if taille > blocMaximal {
                throw ErreurMarkdown(raison: "Le paragraphe qui commence à la ligne \(ligne) dépasse \(blocMaximal >> 10) Ko sans ligne vide.",
                                     conseil: "Coupez-le en paragraphes plus courts (une ligne vide entre deux paragraphes).")
            }
        }
        while i < lignes.count {
            let l = lignes[i]
            if l.allSatisfy({ $0 == " " || $0 == "\t" }) {
                taillebloc = 0
            } else {
                if taillebloc == 0 { debutBloc = i + 1 }
                taillebloc += l.utf8.count + 1
                try verifierBloc(taillebloc, debutBloc)
            }
            // Fenced code: nothing inside is a table.
            if let (c, n) = ouvertureCloture(l) {
                if let ouverte = clotureBloc {
                    if c == ouverte.0 && n >= ouverte.1 && l.drop(while: { $0 == " " }).drop(while: { $0 == c }).allSatisfy({ $0 == " " || $0 == "\t" }) {
                        clotureBloc = nil
                    }
                } else {
                    clotureBloc = (c, n)
                }
                sortie.append(l)
                i += 1
                continue
            }
            if clotureBloc == nil, i + 1 < lignes.count, retrait(l) < 4, l.contains("|"),
               let entete = Optional(cellules(l)), let n = delimiteur(lignes[i + 1]), n == entete.count {
                var tableau = [entete]
                var j = i + 2
                while j < lignes.count, lignes[j].contains("|"), !lignes[j].allSatisfy({ $0 == " " || $0 == "\t" }), ouvertureCloture(lignes[j]) == nil {
                    try verifierBloc(lignes[j].utf8.count, j + 1)
                    var c = cellules(lignes[j])
                    if c.count > n { c.removeLast(c.count - n) }
                    while c.count < n { c.append("") }
                    tableau.append(c)
                    j += 1
                }
                // The header line was counted in the block above it: it is not part of it.
                taillebloc = 0
                try verifierBloc(l.utf8.count, i + 1)
                sortie.append("")
                sortie.append(Substring(String(marque) + String(tableaux.count) + String(marque)))
                sortie.append("")
                tableaux.append(Tableau(cellules: tableau, source: lignes[i..<j].joined(separator: "\n")))
                i = j
                continue
            }
            sortie.append(l)
            i += 1
        }
        return (sortie.joined(separator: "\n"), tableaux)
    }

    static func retrait(_ l: Substring) -> Int {
        var n = 0
        for c in l { if c == " " { n += 1 } else if c == "\t" { n += 4 } else { break } }
        return n
    }

    /// A code fence (```` ``` ```` or `~~~`, three or more, indented less than four spaces).
    static func ouvertureCloture(_ l: Substring) -> (Character, Int)? {
        guard retrait(l) < 4 else { return nil }
        let t = l.drop(while: { $0 == " " })
        guard let c = t.first, c == "`" || c == "~" else { return nil }
        let n = t.prefix(while: { $0 == c }).count
        return n >= 3 ? (c, n) : nil
    }

    /// The cells of a table line: `|` splits (not `\|`), the outer pipes are optional.
    static func cellules(_ l: Substring) -> [String] {
        var t = l.trimmingCharacters(in: .whitespaces)
        if t.hasPrefix("|") { t.removeFirst() }
        if t.hasSuffix("|") && !t.hasSuffix("\\|") { t.removeLast() }
        var cellules: [String] = []
        var courante = ""
        var echappe = false
        for c in t {
            if echappe {
                if c != "|" { courante.append("\\") }
                courante.append(c)
                echappe = false
            } else if c == "\\" {
                echappe = true
            } else if c == "|" {
                cellules.append(courante.trimmingCharacters(in: .whitespaces))
                courante = ""
            } else {
                courante.append(c)
            }
        }
        if echappe { courante.append("\\") }
        cellules.append(courante.trimmingCharacters(in: .whitespaces))
        return cellules
    }

    /// The number of columns of a delimiter row (`|---|:--:|`), or nil when it is not one.
    static func delimiteur(_ l: Substring) -> Int? {
        guard retrait(l) < 4, l.contains("-") else { return nil }
        let c = cellules(l)
        for x in c {
            var y = Substring(x)
            if y.hasPrefix(":") { y = y.dropFirst() }
            if y.hasSuffix(":") { y = y.dropLast() }
            guard !y.isEmpty, y.allSatisfy({ $0 == "-" }) else { return nil }
        }
        return c.count
    }
}

/// Walks cmark's tree (with its iterator: no recursion, whatever the nesting) and writes HTML.
private struct Rendu {
    let niveauDeBase: Int
    let nomDesTableaux: String
    let tableaux: [MarkdownSur.Tableau]
    var sortie = ""
    var numeroTableau = 0

    init(niveauDeBase: Int, nomDesTableaux: String, tableaux: [MarkdownSur.Tableau]) {
        self.niveauDeBase = niveauDeBase
        self.nomDesTableaux = nomDesTableaux
        self.tableaux = tableaux
    }

    static func analyser(_ texte: String) throws -> OpaquePointer {
        let octets = Array(texte.utf8)
        let racine = octets.withUnsafeBufferPointer { p in
            p.baseAddress!.withMemoryRebound(to: CChar.self, capacity: max(1, p.count)) { cmark_parse_document($0, p.count, CMARK_OPT_DEFAULT) }
        }
        guard let racine else {
            throw ErreurMarkdown(raison: "Le texte n'a pas pu être analysé (mémoire insuffisante).", conseil: "Raccourcissez-le.")
        }
        return racine
    }

    mutating func document(_ texte: String) throws -> String {
        let racine = try Rendu.analyser(texte + (texte.isEmpty ? " " : ""))
        defer { cmark_node_free(racine) }
        // First pass: the heading levels in order, to map them without skipping a level.
        var niveaux: [Int] = []
        parcourir(racine) { noeud, entree in
            if entree && cmark_node_get_type(noeud) == CMARK_NODE_HEADING { niveaux.append(Int(cmark_node_get_heading_level(noeud))) }
            return true
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
        var titres = correspondance.makeIterator()
        try ecrire(racine, enLigne: false, titres: &titres)
        return sortie
    }

    /// Calls `visiter` on every node in document order (entering and leaving); it returns false
    /// to skip a node's children.
    func parcourir(_ racine: OpaquePointer, _ visiter: (OpaquePointer, Bool) throws -> Bool) rethrows {
        guard let it = cmark_iter_new(racine) else { return }
        defer { cmark_iter_free(it) }
        while true {
            let ev = cmark_iter_next(it)
            if ev == CMARK_EVENT_DONE { break }
            guard let noeud = cmark_iter_get_node(it) else { continue }
            let entree = ev == CMARK_EVENT_ENTER
            if try !visiter(noeud, entree) && entree { cmark_iter_reset(it, noeud, CMARK_EVENT_EXIT) }
        }
    }

    static func litteralBrut(_ n: OpaquePointer) -> String {
        cmark_node_get_literal(n).map { String(cString: $0) } ?? ""
    }

    /// A node's text, a table marker that did not become a paragraph of its own (inside a code
    /// block, a raw HTML block) given back as the lines it stands for.
    func litteral(_ n: OpaquePointer) -> String {
        let t = Rendu.litteralBrut(n)
        guard t.unicodeScalars.contains(MarkdownSur.marque) else { return t }
        var r = String.UnicodeScalarView()
        var morceau = String.UnicodeScalarView()
        var dedans = false
        for c in t.unicodeScalars {
            if c == MarkdownSur.marque {
                if dedans, let i = Int(String(morceau)), tableaux.indices.contains(i) { r.append(contentsOf: tableaux[i].source.unicodeScalars) }
                morceau = String.UnicodeScalarView()
                dedans.toggle()
            } else if dedans {
                morceau.append(c)
            } else {
                r.append(c)
            }
        }
        return String(r)
    }

    /// The plain text of a node's descendants (an image's description, a link's text).
    func texteSimple(_ n: OpaquePointer) -> String {
        var t = ""
        parcourir(n) { x, entree in
            guard entree else { return true }
            let type = cmark_node_get_type(x)
            if type == CMARK_NODE_TEXT || type == CMARK_NODE_CODE { t += litteral(x) }
            if type == CMARK_NODE_SOFTBREAK || type == CMARK_NODE_LINEBREAK { t += " " }
            return true
        }
        return t
    }

    /// The marker paragraph of a table: the table's index.
    func tableauMarque(_ paragraphe: OpaquePointer) -> Int? {
        guard let enfant = cmark_node_first_child(paragraphe), cmark_node_next(enfant) == nil,
              cmark_node_get_type(enfant) == CMARK_NODE_TEXT else { return nil }
        let t = Rendu.litteralBrut(enfant).unicodeScalars
        guard t.count >= 3, t.first == MarkdownSur.marque, t.last == MarkdownSur.marque else { return nil }
        guard let i = Int(String(String.UnicodeScalarView(t.dropFirst().dropLast()))), tableaux.indices.contains(i) else { return nil }
        return i
    }

    /// Raw HTML without its comments (`<!-- … -->`, dropped).
    static func sansCommentaires(_ s: String) -> String {
        guard s.contains("<!--") else { return s }
        var r = ""
        var reste = Substring(s)
        while let debut = reste.range(of: "<!--") {
            r += reste[..<debut.lowerBound]
            guard let fin = reste[debut.upperBound...].range(of: "-->") else { return r + reste[debut.lowerBound...] }
            reste = reste[fin.upperBound...]
        }
        return r + reste
    }

    mutating func ecrire(_ racine: OpaquePointer, enLigne: Bool, titres: inout IndexingIterator<[Int]>) throws {
        var titresOuverts: [Int] = []
        var liens: [String?] = []
        var avecP: [Bool] = []
        var sortie = self.sortie
        defer { self.sortie = sortie }
        var aEcrire: [Int] = []
        parcourir(racine) { n, entree in
            let type = cmark_node_get_type(n)
            switch type {
            case CMARK_NODE_DOCUMENT:
                break
            case CMARK_NODE_BLOCK_QUOTE:
                if !enLigne { sortie += entree ? "<blockquote>" : "</blockquote>" }
            case CMARK_NODE_LIST:
                guard !enLigne else { break }
                if cmark_node_get_list_type(n) == CMARK_ORDERED_LIST {
                    let debut = cmark_node_get_list_start(n)
                    sortie += entree ? (debut != 1 ? "<ol start=\"\(debut)\">" : "<ol>") : "</ol>"
                } else {
                    sortie += entree ? "<ul>" : "</ul>"
                }
            case CMARK_NODE_ITEM:
                if !enLigne { sortie += entree ? "<li>" : "</li>" } else if !entree { sortie += " " }
            case CMARK_NODE_PARAGRAPH:
                if !enLigne, let i = tableauMarque(n) {
                    if entree {
                        aEcrire.append(i)
                        sortie += "\u{E001}"
                    }
                    return false
                }
                if entree {
                    let parent = cmark_node_parent(n)
                    let serre = parent.map { cmark_node_get_type($0) == CMARK_NODE_ITEM } == true
                        && cmark_node_parent(parent!).map { cmark_node_get_list_tight($0) != 0 } == true
                    avecP.append(!enLigne && !serre)
                    if avecP.last! { sortie += "<p>" }
                } else {
                    if avecP.popLast() == true { sortie += "</p>" } else if enLigne { sortie += " " }
                }
            case CMARK_NODE_HEADING:
                guard !enLigne else { if !entree { sortie += " " }; break }
                if entree {
                    let niveau = titres.next() ?? min(6, niveauDeBase)
                    titresOuverts.append(niveau)
                    sortie += "<h\(niveau)>"
                } else if let niveau = titresOuverts.popLast() {
                    sortie += "</h\(niveau)>"
                }
            case CMARK_NODE_THEMATIC_BREAK:
                if entree && !enLigne { sortie += "<hr>" }
            case CMARK_NODE_CODE_BLOCK:
                guard entree else { break }
                let code = HTMLTexte.echapper(litteral(n))
                sortie += enLigne ? "<code>\(code)</code>" : "<pre><code>\(code)</code></pre>"
            case CMARK_NODE_HTML_BLOCK:
                guard entree else { break }
                let reste = Rendu.sansCommentaires(litteral(n)).trimmingCharacters(in: .whitespacesAndNewlines)
                if !reste.isEmpty { sortie += enLigne ? HTMLTexte.echapper(reste) : "<p>" + HTMLTexte.echapper(reste) + "</p>" }
            case CMARK_NODE_HTML_INLINE:
                guard entree else { break }
                let brut = litteral(n)
                if !brut.hasPrefix("<!--") { sortie += HTMLTexte.echapper(brut) }
            case CMARK_NODE_TEXT:
                if entree { sortie += HTMLTexte.echapper(litteral(n)) }
            case CMARK_NODE_SOFTBREAK:
                if entree { sortie += "\n" }
            case CMARK_NODE_LINEBREAK:
                if entree { sortie += enLigne ? " " : "<br>" }
            case CMARK_NODE_CODE:
                if entree { sortie += "<code>" + HTMLTexte.echapper(litteral(n)) + "</code>" }
            case CMARK_NODE_EMPH:
                sortie += entree ? "<em>" : "</em>"
            case CMARK_NODE_STRONG:
                sortie += entree ? "<strong>" : "</strong>"
            case CMARK_NODE_LINK:
                if entree {
                    let href = cmark_node_get_url(n).map { String(cString: $0) } ?? ""
                    if href.hasPrefix("#"), href.count > 1, href.dropFirst().allSatisfy({ $0.isLetter || $0.isNumber || $0 == "-" || $0 == "_" }) {
                        liens.append(nil)
                        sortie += "<a href=\"\(HTMLTexte.echapper(href))\">"
                    } else {
                        let adresse = Rendu.adresseLisible(href)
                        let texte = texteSimple(n).trimmingCharacters(in: .whitespaces)
                        // An autolink's text is its address: shown once.
                        let repete = adresse.map { texte == href || texte == $0 || texte.isEmpty } ?? true
                        liens.append(repete ? "" : adresse)
                        if texte.isEmpty, let adresse { sortie += HTMLTexte.echapper(adresse) }
                    }
                } else if let lien = liens.popLast() {
                    if let adresse = lien {
                        if !adresse.isEmpty { sortie += " <span class=\"adresse\">(" + HTMLTexte.echapper(adresse) + ")</span>" }
                    } else {
                        sortie += "</a>"
                    }
                }
            case CMARK_NODE_IMAGE:
                if entree {
                    let alt = texteSimple(n).trimmingCharacters(in: .whitespaces)
                    if !alt.isEmpty { sortie += "<span class=\"image-retiree\">[image non reprise : " + HTMLTexte.echapper(alt) + "]</span>" }
                    return false
                }
            default:
                break
            }
            return true
        }
        // The tables, in place of their markers (their cells are small documents of their own).
        guard !aEcrire.isEmpty else { return }
        var morceaux = sortie.components(separatedBy: "\u{E001}")
        sortie = morceaux.removeFirst()
        for (i, suite) in zip(aEcrire, morceaux) {
            sortie += try tableau(tableaux[i].cellules)
            sortie += suite
        }
    }

    mutating func tableau(_ lignes: [[String]]) throws -> String {
        numeroTableau += 1
        var s = "<div class=\"defilement\"><table class=\"tableau-texte\"><caption>\(HTMLTexte.echapper(nomDesTableaux)) \(numeroTableau)</caption><thead><tr>"
        for c in lignes[0] { s += "<th scope=\"col\">" + (try cellule(c)) + "</th>" }
        s += "</tr></thead>"
        if lignes.count > 1 {
            s += "<tbody>"
            for l in lignes.dropFirst() {
                s += "<tr>"
                for c in l { s += "<td>" + (try cellule(c)) + "</td>" }
                s += "</tr>"
            }
            s += "</tbody>"
        }
        return s + "</table></div>"
    }

    /// A cell: inline Markdown, rendered without block markup.
    func cellule(_ texte: String) throws -> String {
        guard !texte.isEmpty else { return "" }
        var r = Rendu(niveauDeBase: niveauDeBase, nomDesTableaux: nomDesTableaux, tableaux: [])
        let racine = try Rendu.analyser(texte)
        defer { cmark_node_free(racine) }
        var aucun = [Int]().makeIterator()
        try r.ecrire(racine, enLigne: true, titres: &aucun)
        return r.sortie.trimmingCharacters(in: .whitespaces)
    }

    /// The address of a link to the outside, as text, without its scheme (`mdph62.fr/aide`).
    static func adresseLisible(_ href: String) -> String? {
        var h = href.trimmingCharacters(in: .whitespaces)
        guard !h.isEmpty else { return nil }
        if h.lowercased().hasPrefix("javascript:") || h.lowercased().hasPrefix("data:") || h.lowercased().hasPrefix("vbscript:") { return nil }
        for prefixe in ["https://", "http://", "mailto:", "//"] where h.lowercased().hasPrefix(prefixe) {
            h = String(h.dropFirst(prefixe.count))
        }
        if h.hasSuffix("/") { h.removeLast() }
        return h.isEmpty ? nil : String(h.prefix(200))
    }
}
