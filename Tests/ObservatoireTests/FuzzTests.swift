import Foundation
import XCTest
import ZIPFoundation
@testable import ObservatoireCore
@testable import ObservatoireDemo
@testable import ObservatoireImport
@testable import ObservatoireRapports
@testable import ObservatoireStore

/// Fuzzing with fixed seeds: random mutations of valid workbook parts, YAML (configuration and
/// a mapping profile) and Markdown (the narrative). No case may crash, hang or leak a file
/// descriptor; every input ends as a result or a French refusal, and every output keeps its
/// invariants. (CSV files: `RobustesseTests.testFuzzCSVGraineFixe`.) `make test` runs a few
/// hundred cases, `make robustesse` five times more (`C360_ITERATIONS=5`).
final class FuzzTests: XCTestCase {
    static var iterations: Int { RobustesseTests.iterations }

    /// Open descriptors of this process.
    func descripteurs() -> Int {
        (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/fd").count) ?? 0
    }

    /// Mutates `modele`: bit flips, tokens of `dictionnaire` inserted, a span deleted or
    /// repeated, a cut.
    static func muter(_ modele: [UInt8], _ g: inout Aleatoire, dictionnaire: [[UInt8]], amplification: Int = 20) -> [UInt8] {
        var o = modele
        for _ in 0..<(1 + g.entier(6)) {
            guard !o.isEmpty else { o = dictionnaire[g.entier(dictionnaire.count)]; continue }
            switch g.entier(6) {
            case 0:
                let k = g.entier(o.count)
                o[k] ^= UInt8(1 << g.entier(8))
            case 1, 2:
                o.insert(contentsOf: dictionnaire[g.entier(dictionnaire.count)], at: g.entier(o.count + 1))
            case 3:
                let a = g.entier(o.count), n = min(o.count - a, 1 + g.entier(40))
                o.removeSubrange(a..<(a + n))
            case 4:
                let a = g.entier(o.count), n = min(o.count - a, 1 + g.entier(16))
                let morceau = Array(o[a..<(a + n)])
                o.insert(contentsOf: Array([[UInt8]](repeating: morceau, count: 1 + g.entier(amplification)).joined()), at: a)
            default:
                o = Array(o.prefix(g.entier(o.count + 1)))
            }
        }
        return o
    }

    // MARK: - Workbooks

    func testFuzzClasseursGraineFixe() throws {
        let t = try EspaceDeTest()
        let avant = descripteurs()
        let colonnes = AttaquesTests.colonnes
        var lignes = AttaquesTests.ligneXML(colonnes, r: "1")
        for i in 2...6 {
            var v = AttaquesTests.valeursSollicitation("F\(i)")
            v[1] = "§"
            lignes += AttaquesTests.ligneXML(v, r: "\(i)").replacingOccurrences(of: "<c t=\"inlineStr\"><is><t>§</t></is></c>", with: "<c t=\"s\"><v>\(i % 2)</v></c>")
        }
        let parties = AttaquesTests.partiesClasseur(
            feuille: "<?xml version=\"1.0\"?><worksheet><sheetData>" + lignes + "</sheetData><mergeCells><mergeCell ref=\"A1:B1\"/></mergeCells></worksheet>",
            partagees: "<sst><si><t>2025-03-10</t></si><si><r><t>12/03</t></r><r><t>/2025</t></r><rPh><t>x</t></rPh></si></sst>",
            classeur: "<workbook xmlns:r=\"r\"><workbookPr date1904=\"0\"/><sheets><sheet name=\"F\" sheetId=\"1\" r:id=\"rId1\"/></sheets></workbook>")
        let dictionnaire = ["<", ">", "/>", "\"", "'", "&", "&amp;", "&#0;", "&#x1B;", "&#99999999;", "<!--", "-->", "<![CDATA[", "]]>", "<?x ", "?>",
                            "<!DOCTYPE x>", " r=\"9223372036854775807\"", " r=\"0\"", " r=\"-1\"", " r=\"XFE1\"", " t=\"s\"", " t=\"b\"", " t=\"e\"",
                            "<v>-1</v>", "<v>1e308</v>", "<v>99999999999</v>", "<row>", "</row>", "<c>", "</c>", "<is><t>", "</t></is>",
                            " date1904=\"1\"", "<mergeCell ref=\"A1:ZZZ1048577\"/>", "<si><t>", "</t></si>", "\u{1B}", "\0", "\u{FFFF}", "é"]
            .map { Array($0.utf8) }
        var g = Aleatoire(graine: 2_612)
        let cas = 100 * FuzzTests.iterations
        var refuses = 0, lus = 0
        let url = t.dossier.appendingPathComponent("sollicitations-fuzz.xlsx")
        for i in 0..<cas {
            var mutees = parties
            let k = 1 + g.entier(mutees.count - 1)
            mutees[k].1 = String(decoding: FuzzTests.muter(Array(mutees[k].1.utf8), &g, dictionnaire: dictionnaire), as: UTF8.self)
            try AttaquesTests.classeur(url, mutees)
            var o = OptionsImport()
            o.aujourdhui = Jour(annee: 2026, mois: 1, jour: 15)!
            o.forcer = true
            let b = try Importeur(espace: t.espace, base: try t.base()).importer([url], options: o)
            for f in b.fichiers {
                if f.erreur != nil { refuses += 1 } else {
                    XCTAssertEqual(f.lues, f.importees + f.rejetees, "cas \(i)")
                    lus += f.lues
                }
            }
        }
        XCTAssertEqual(try t.base().file.read { try String.fetchOne($0, sql: "PRAGMA integrity_check") }, "ok")
        XCTAssertGreaterThan(refuses, 0)
        XCTAssertGreaterThan(lus, 0)
        XCTAssertLessThanOrEqual(descripteurs(), avant + 2, "aucun descripteur de fichier oublié")
        print("Fuzz XLSX : \(cas) classeurs mutés, \(refuses) refusés, \(lus) lignes lues, aucun plantage.")
    }

    // MARK: - YAML

    func testFuzzYAMLGraineFixe() throws {
        let config = Array(ModelesEspace.configuration(Configuration(nom: "C360 de test", departement: "62", territoires: ["Arrageois", "Ternois"])).utf8)
        let profil = Array(try String(contentsOf: ExecutionTests.donnees.appendingPathComponent("profils/suivi-appels.yml"), encoding: .utf8).utf8)
        let dictionnaire = ["&a ", "*a", "&b [*a, *a, *a, *a]", "*b", "? ", ": ", "- ", "[", "]", "{", "}", ",", "'", "\"", "\t", "\n", "\n  ",
                            "!!binary ", "!!python/object ", "%YAML 1.1\n", "---\n", "...\n", "<<: *a\n", "|\n", ">-\n", "#", "\\u0000", "\u{1B}",
                            "~", "null", "0x10", "1e999", ".inf", "\u{FEFF}"].map { Array($0.utf8) }
        var g = Aleatoire(graine: 1_904)
        let cas = 300 * FuzzTests.iterations
        var acceptes = 0, refuses = 0
        for i in 0..<cas {
            let texte = String(decoding: FuzzTests.muter(i % 2 == 0 ? config : profil, &g, dictionnaire: dictionnaire, amplification: 8), as: UTF8.self)
            do {
                if i % 2 == 0 {
                    _ = try Configuration.analyser(texte, fichier: "observatoire.yml")
                } else {
                    _ = try ProfilCorrespondance.analyser(texte, fichier: "profil.yml", nomParDefaut: "profil")
                }
                acceptes += 1
            } catch let e as ErreurObservatoire {
                refuses += 1
                XCTAssertEqual(e.code, .usage, "cas \(i)")
                XCTAssertFalse(e.message.isEmpty)
            } catch {
                XCTFail("cas \(i) : erreur non traduite \(type(of: error)) : \(error)")
            }
        }
        XCTAssertGreaterThan(refuses, 0)
        XCTAssertGreaterThan(acceptes, 0)
        print("Fuzz YAML : \(cas) textes mutés, \(acceptes) acceptés, \(refuses) refusés en français, aucun plantage.")
    }

    // MARK: - Markdown

    static let recit = """
        # Récit de l'année — C360 de test

        <!-- consigne -->

        ## Faits marquants

        Ouverture du **Ternois** et d'une *permanence* ; voir [la MDPH](https://mdph62.fr/aide/) et [la méthode](#methodologie).

        - premier point
        - second point avec `code`
          1. sous-point
        > Une citation
        > sur deux lignes

        | Territoire | Sollicitations |
        |:-----------|---------------:|
        | Arrageois  | **12**         |
        | Ternois    | 3 \\| 4        |

        ```
        | pas | un tableau |
        |-----|------------|
        ```

        ![Logo](logo.png) Fin.

        """

    func testFuzzMarkdownGraineFixe() throws {
        let modele = Array(FuzzTests.recit.utf8)
        let dictionnaire = ["[", "]", "(", ")", "![", "<", ">", "|", "|---|", "`", "```\n", "*", "_", "**", "#", "## ", "- ", "1. ", "> ",
                            "\n", "\n\n", "    ", "\\", "&", "&#0;", "&lt;", "<script>alert(1)</script>", "</table>", "</div>", "<div>", "</section>",
                            "<!--", "-->", "<a href=\"javascript:x\">", "[x](javascript:alert(1))", "<img src=x onerror=y>", "\u{1B}[31m",
                            "\u{E000}0\u{E000}", "\u{E001}", "\u{0}", "\u{202E}", "<p", "[a]: /u\n"].map { Array($0.utf8) }
        var g = Aleatoire(graine: 360)
        let cas = 300 * FuzzTests.iterations
        var notes = 0
        let balises = try NSRegularExpression(pattern: "<(/?)([a-zA-Z0-9]+)")
        let permises: Set<String> = ["p", "em", "strong", "code", "pre", "blockquote", "ul", "ol", "li", "hr", "br", "a", "span", "div", "table",
                                     "caption", "thead", "tbody", "tr", "th", "td", "h3", "h4", "h5", "h6"]
        for i in 0..<cas {
            let texte = String(decoding: FuzzTests.muter(modele, &g, dictionnaire: dictionnaire, amplification: 200), as: UTF8.self)
            let html: String
            do {
                html = try MarkdownSur.rendre(texte, niveauDeBase: 3, nomDesTableaux: "Tableau")
            } catch is ErreurMarkdown {
                notes += 1
                continue
            }
            let lower = html.lowercased()
            XCTAssertFalse(lower.contains("<script") || lower.contains("<img") || lower.contains("javascript:") && lower.contains("href=\"javascript"), "cas \(i)")
            for (ouvre, ferme) in [("<div", "</div>"), ("<table", "</table>"), ("<a ", "</a>"), ("<ul>", "</ul>"), ("<ol", "</ol>"), ("<blockquote>", "</blockquote>")] {
                XCTAssertEqual(html.components(separatedBy: ouvre).count, html.components(separatedBy: ferme).count, "cas \(i) : \(ouvre)")
            }
            for m in balises.matches(in: html, range: NSRange(html.startIndex..., in: html)) {
                let nom = (html as NSString).substring(with: m.range(at: 2)).lowercased()
                XCTAssertTrue(permises.contains(nom), "cas \(i) : balise <\(nom)> inattendue")
            }
            XCTAssertFalse(html.unicodeScalars.contains { TexteSur.estControle($0) && $0 != "\n" && $0 != "\t" && $0 != "\r" }, "cas \(i)")
            XCTAssertFalse(html.contains("\u{E000}") || html.contains("\u{E001}"), "cas \(i) : marqueur interne")
        }
        print("Fuzz Markdown : \(cas) récits mutés, \(notes) refusés avec une note, aucun plantage.")
    }
}
