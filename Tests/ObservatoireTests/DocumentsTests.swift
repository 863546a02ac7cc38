import Foundation
import XCTest
import ZIPFoundation
@testable import ObservatoireCore
@testable import ObservatoireIndicateurs
@testable import ObservatoireRapports
@testable import ObservatoireStore

/// The outputs of the report document: reference files (XLSX part by part, HTML structure),
/// a territory's own report, dashboards kept per month, the PDF.
///
/// Regenerate the reference files after an intended change with
/// `C360_REGENERER_REFERENCES=1 swift test --skip-build --filter DocumentsTests`, then read the
/// diff of `Tests/ObservatoireTests/Fixtures/references/` before committing it.
final class DocumentsTests: XCTestCase {
    static let references = CatalogueTests.racine.appendingPathComponent("Tests/ObservatoireTests/Fixtures/references")
    static var regenerer: Bool { ProcessInfo.processInfo.environment["C360_REGENERER_REFERENCES"] == "1" }

    func espace() throws -> EspaceDeTest {
        let t = try EspaceDeTest(territoires: ["Arrageois", "Ternois"])
        _ = try t.importer([IndicateursTests.dossierFixture])
        // The narrative, written: its section is part of the reference.
        try "## Faits marquants\n\nOuverture d'une antenne dans le **Ternois**.\n".write(to: t.espace.fichierRecit, atomically: true, encoding: .utf8)
        return t
    }

    // MARK: - XLSX, part by part

    /// The parts of a workbook, as text, without what changes from run to run (the save time).
    static func parties(_ url: URL) throws -> [String: String] {
        let archive = try Archive(url: url, accessMode: .read)
        var parties: [String: String] = [:]
        for e in archive where e.type == .file {
            var d = Data()
            _ = try archive.extract(e) { d.append($0) }
            var texte = String(decoding: d, as: UTF8.self)
            for balise in ["dcterms:created", "dcterms:modified"] {
                texte = texte.replacingOccurrences(of: "<\(balise)([^>]*)>[^<]*</\(balise)>", with: "<\(balise)$1></\(balise)>", options: .regularExpression)
            }
            // The import times of the data-quality sheet are when the test ran.
            texte = texte.replacingOccurrences(of: "[0-9]{2}/[0-9]{2}/[0-9]{4} à [0-9]{2}:[0-9]{2}", with: "JJ/MM/AAAA à HH:MM", options: .regularExpression)
            parties[e.path] = texte
        }
        return parties
    }

    func comparerXLSX(_ obtenu: URL, reference nom: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let attendu = DocumentsTests.references.appendingPathComponent(nom)
        if DocumentsTests.regenerer {
            try FileManager.default.createDirectory(at: DocumentsTests.references, withIntermediateDirectories: true)
            try? FileManager.default.removeItem(at: attendu)
            try FileManager.default.copyItem(at: obtenu, to: attendu)
            return
        }
        let a = try DocumentsTests.parties(attendu), o = try DocumentsTests.parties(obtenu)
        XCTAssertEqual(Set(o.keys), Set(a.keys), "\(nom) : mêmes parties", file: file, line: line)
        XCTAssertGreaterThan(a.count, 20, file: file, line: line)
        for (partie, texte) in a.sorted(by: { $0.key < $1.key }) {
            guard let t = o[partie] else { continue }
            if t != texte {
                let i = zip(t, texte).prefix { $0 == $1 }.count
                XCTFail("\(nom), partie \(partie) différente à partir du caractère \(i) : obtenu « \(t.dropFirst(max(0, i - 40)).prefix(120)) », attendu « \(texte.dropFirst(max(0, i - 40)).prefix(120)) »",
                        file: file, line: line)
            }
        }
    }

    func testClasseursDeReference() throws {
        let t = try espace()
        for diffusion in Diffusion.allCases {
            let url = try Publication.rapport(espace: t.espace, base: try t.base(), annee: 2025, formats: [.xlsx], diffusion: diffusion,
                                              dossier: t.espace.dossierRapports, extraction: RapportHTMLTests.extraction)[0]
            try comparerXLSX(url, reference: "rapport-\(diffusion.rawValue).xlsx")
        }
    }

    // MARK: - HTML structure

    /// The structure of a page: sections, headings, tables (caption, columns, row headers and
    /// the number of their cells, groups, whether they scroll), charts, cards — not the figures.
    static func structure(_ html: String) throws -> String {
        let motif = try NSRegularExpression(pattern: [
            "<section id=\"([^\"]+)\"",
            "<h([1-4])[^>]*>(.*?)</h\\2>",
            "<div class=\"(defilement|tableau-conteneur|defilement-graphique[^\"]*)\"([^>]*)>",
            "<caption[^>]*>(.*?)</caption>",
            "<thead>(.*?)</thead>",
            "<tr class=\"groupe\"><th[^>]*>(.*?)</th>",
            "<tr(?: data-code=\"([^\"]*)\")?><th scope=\"row\">(.*?)</th>(.*?)</tr>",
            "<title id=\"[^\"]*\">(.*?)</title>",
            "<li class=\"chiffre-cle\" data-code=\"([^\"]*)\"",
            "<article class=\"carte-tendance\" data-code=\"([^\"]*)\"",
            "<dt><span class=\"code\">([^<]*)</span>",
        ].joined(separator: "|"), options: [.dotMatchesLineSeparators])
        func texte(_ s: String) -> String {
            var t = s.replacingOccurrences(of: "<[^>]*>", with: " ", options: .regularExpression)
                .replacingOccurrences(of: "\\s+", with: " ", options: .regularExpression).trimmingCharacters(in: .whitespaces)
            for (e, c) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] { t = t.replacingOccurrences(of: e, with: c) }
            return t
        }
        var lignes: [String] = []
        for m in motif.matches(in: html, range: NSRange(html.startIndex..., in: html)) {
            func g(_ k: Int) -> String? {
                let r = m.range(at: k)
                return r.location == NSNotFound ? nil : String(html[Range(r, in: html)!])
            }
            if let id = g(1) { lignes.append("section \(id)") }
            else if let n = g(2) { lignes.append("  h\(n) \(texte(g(3) ?? ""))") }
            else if let c = g(4) { lignes.append("    bloc \(c)\((g(5) ?? "").contains("tabindex=\"0\"") ? " (zone focalisable)" : "")") }
            else if let c = g(6) { lignes.append("    tableau « \(texte(c)) »") }
            else if let t = g(7) {
                let colonnes = try NSRegularExpression(pattern: "<th[^>]*>(.*?)</th>").matches(in: t, range: NSRange(t.startIndex..., in: t)).map { texte(String(t[Range($0.range(at: 1), in: t)!])) }
                lignes.append("      colonnes : " + colonnes.joined(separator: " | "))
            }
            else if let gr = g(8) { lignes.append("      groupe : \(texte(gr))") }
            else if let entete = g(10) {
                let cellules = (g(11) ?? "").components(separatedBy: "<td").count - 1
                lignes.append("      ligne\(g(9).map { " [\($0)]" } ?? "") : \(texte(entete)) — \(cellules) cellule(s)")
            }
            else if let titre = g(12) { lignes.append("    graphique « \(texte(titre)) »") }
            else if let code = g(13) { lignes.append("    chiffre clé \(code)") }
            else if let code = g(14) { lignes.append("    tendance \(code)") }
            else if let code = g(15) { lignes.append("    définition \(code)") }
        }
        return lignes.joined(separator: "\n") + "\n"
    }

    func comparerStructure(_ html: String, reference nom: String, file: StaticString = #filePath, line: UInt = #line) throws {
        let obtenu = try DocumentsTests.structure(html)
        let url = DocumentsTests.references.appendingPathComponent(nom)
        if DocumentsTests.regenerer {
            try FileManager.default.createDirectory(at: DocumentsTests.references, withIntermediateDirectories: true)
            try obtenu.write(to: url, atomically: true, encoding: .utf8)
            return
        }
        let attendu = try String(contentsOf: url, encoding: .utf8)
        let a = attendu.split(separator: "\n", omittingEmptySubsequences: false), o = obtenu.split(separator: "\n", omittingEmptySubsequences: false)
        if let i = (0..<min(a.count, o.count)).first(where: { a[$0] != o[$0] }) ?? (a.count != o.count ? min(a.count, o.count) : nil) {
            XCTFail("\(nom), ligne \(i + 1) : obtenu « \(i < o.count ? o[i] : "(fin)") », attendu « \(i < a.count ? a[i] : "(fin)") »", file: file, line: line)
        }
        XCTAssertGreaterThan(a.count, 100, file: file, line: line)
    }

    func testStructureHTMLDeReference() throws {
        let t = try espace()
        let r = try Publication.documentRapport(espace: t.espace, base: try t.base(), annee: 2025, diffusion: .externe, extraction: RapportHTMLTests.extraction)
        try comparerStructure(try EcrivainHTML.rendre(r, modeles: Modeles(espace: t.espace)), reference: "rapport-externe.structure.txt")
        let d = try Preparation.tableauDeBord(espace: t.espace, base: try t.base(), jusqua: Jour(annee: 2025, mois: 12, jour: 1)!,
                                              diffusion: .externe, extraction: RapportHTMLTests.extraction)
        let tdb = Composition.tableauDeBord(d, plan: try Plan.lire("plan-tableau-de-bord.yml", modeles: Modeles(espace: t.espace)))
        try comparerStructure(try EcrivainHTML.rendre(tdb, modeles: Modeles(espace: t.espace)), reference: "tableau-de-bord-externe.structure.txt")
    }

    /// Every scrolling region can take the keyboard focus; a table that fits never does.
    func testSeulesLesZonesQuiDefilentSontFocalisables() throws {
        let t = try espace()
        let r = try Publication.documentRapport(espace: t.espace, base: try t.base(), annee: 2025, diffusion: .interne, extraction: RapportHTMLTests.extraction)
        let html = try EcrivainHTML.rendre(r, modeles: Modeles(espace: t.espace))
        let zones = try NSRegularExpression(pattern: "<div class=\"(defilement[^\"]*|tableau-conteneur)\"([^>]*)>")
            .matches(in: html, range: NSRange(html.startIndex..., in: html)).map { m in
                (String(html[Range(m.range(at: 1), in: html)!]), String(html[Range(m.range(at: 2), in: html)!]))
            }
        XCTAssertGreaterThan(zones.count, 20)
        for (classe, attributs) in zones {
            if classe.hasPrefix("defilement") {
                XCTAssertTrue(attributs.contains("tabindex=\"0\"") && attributs.contains("role=\"region\"") && attributs.contains("aria-"), "\(classe) \(attributs)")
            } else {
                XCTAssertFalse(attributs.contains("tabindex"), "un tableau qui tient dans la page n'est pas un arrêt du clavier")
            }
        }
        XCTAssertTrue(zones.contains { $0.0 == "tableau-conteneur" })
        // Chart text is never under 11 px.
        let tailles = try NSRegularExpression(pattern: "font-size=\"([0-9.]+)\"").matches(in: html, range: NSRange(html.startIndex..., in: html))
            .compactMap { Double(html[Range($0.range(at: 1), in: html)!]) }
        XCTAssertGreaterThan(tailles.count, 100)
        XCTAssertGreaterThanOrEqual(tailles.min() ?? 0, 11)
    }

    // MARK: - A territory's own report

    func testRapportDUnTerritoireEgalAuxIndicateursDuTerritoire() throws {
        let t = try espace()
        let dossier = t.dossier.path
        let r = try Binaire.lancer(["rapport", "--dossier", dossier, "--annee", "2025", "--territoire", "Arrageois", "--format", "xlsx,html"])
        XCTAssertEqual(r.code, 0, r.erreur)
        let xlsx = t.espace.dossierRapports.appendingPathComponent("rapport-activite-c360-de-test-arrageois-2025.xlsx")
        let html = t.espace.dossierRapports.appendingPathComponent("rapport-activite-c360-de-test-arrageois-2025.html")
        XCTAssertTrue(r.sortie.contains(xlsx.lastPathComponent) && r.sortie.contains(html.lastPathComponent), "sortie : \(r.sortie) ; erreur : \(r.erreur)")
        let json = try Binaire.lancer(["indicateurs", "--dossier", dossier, "--annee", "2025", "--territoire", "Arrageois", "--format", "json"])
        XCTAssertEqual(json.code, 0, json.erreur)
        let objet = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.sortie.utf8)) as? [String: Any])
        let indicateurs = try XCTUnwrap(objet["indicateurs"] as? [[String: Any]])
        let c = try ClasseurLu(xlsx)
        var compares = 0
        for i in indicateurs {
            let code = try XCTUnwrap(i["code"] as? String)
            let l = try XCTUnwrap(c.ligne("Cahier des charges", ou: code, colonne: 0), code)
            if let v = i["valeur"] as? Double { XCTAssertEqual(Double(l[4]) ?? -1, v, accuracy: 1e-9, code); compares += 1 }
            if let v = i["taux"] as? Double { XCTAssertEqual(Double(l[5]) ?? -1, v / 100, accuracy: 1e-9, code); compares += 1 }
        }
        XCTAssertGreaterThan(compares, 20)
        // The whole C360's figures differ (so the comparison could fail), and the page names the territory.
        let toute = try Moteur(base: try t.base(), configuration: t.espace.configuration).tableau(.annee(2025), diffusion: .interne)
        XCTAssertNotEqual(toute["1.1"]?.valeur, (indicateurs.first { $0["code"] as? String == "1.1" }?["valeur"] as? Double))
        let page = try String(contentsOf: html, encoding: .utf8)
        XCTAssertTrue(page.contains("<h1>Rapport d&#39;activité 2025 — Arrageois</h1>"), "le titre nomme le territoire")
        XCTAssertFalse(page.contains("<section id=\"territoires\""), "pas de découpage par territoire dans le rapport d'un territoire")
        // An unknown territory is a usage error, in French.
        let inconnu = try Binaire.lancer(["rapport", "--dossier", dossier, "--annee", "2025", "--territoire", "Atlantide"])
        XCTAssertEqual(inconnu.code, 2)
        XCTAssertTrue(inconnu.erreur.contains("Atlantide") && inconnu.erreur.contains("Arrageois"), inconnu.erreur)
    }

    // MARK: - Dashboards kept per month

    func testTableauxDeBordGardesParMois() throws {
        let t = try espace()
        let dossier = t.espace.dossierRapports
        func ecrire(_ mois: Int) throws -> URL {
            try Publication.tableauDeBord(espace: t.espace, base: try t.base(), jusqua: Jour(annee: 2025, mois: mois, jour: 1)!, diffusion: .externe,
                                          dossier: dossier, extraction: RapportHTMLTests.extraction)[0]
        }
        let novembre = try ecrire(11)
        let decembre = try ecrire(12)
        let octobre = try ecrire(10)   // an older month, written later: the latest stays December
        XCTAssertEqual(novembre.lastPathComponent, "tableau-de-bord-c360-de-test-2025-11.html")
        XCTAssertEqual(decembre.lastPathComponent, "tableau-de-bord-c360-de-test-2025-12.html")
        XCTAssertEqual(octobre.lastPathComponent, "tableau-de-bord-c360-de-test-2025-10.html")
        for u in [novembre, decembre, octobre] { XCTAssertTrue(FileManager.default.fileExists(atPath: u.path)) }
        let stable = dossier.appendingPathComponent("tableau-de-bord-c360-de-test.html")
        XCTAssertEqual(try Data(contentsOf: stable), try Data(contentsOf: decembre))
        XCTAssertTrue(try String(contentsOf: octobre, encoding: .utf8).contains("Tableau de bord — octobre 2025"))
        XCTAssertEqual(Publication.nomTableauDeBord("C360 de test", diffusion: .interne, mois: Jour(annee: 2026, mois: 3, jour: 1)!),
                       "tableau-de-bord-c360-de-test-interne-2026-03.html")
    }

    // MARK: - PDF

    func testPDFSansChromiumMessageFrancaisEtCode73() throws {
        let t = try espace()
        for commande in [["rapport", "--annee", "2025"], ["tableau-de-bord", "--mois", "2025-12"]] {
            let r = try Binaire.lancer(commande + ["--dossier", t.dossier.path, "--format", "pdf"], environnement: ["C360_CHROMIUM": "/inexistant/chromium"])
            XCTAssertEqual(r.code, 73, r.erreur)
            XCTAssertTrue(r.erreur.contains("Chromium") && r.erreur.contains("apt-get install chromium"), r.erreur)
        }
        let r = try Binaire.lancer(["rapport", "--annee", "2025", "--dossier", t.dossier.path, "--format", "odt"])
        XCTAssertEqual(r.code, 2)
        XCTAssertTrue(r.erreur.contains("xlsx, html ou pdf"), r.erreur)
    }

    func testPDFImprimeParChromium() throws {
        try XCTSkipIf(ImpressionPDF.navigateur() == nil, "Chromium n'est pas installé (make chromium) : « make navigateur » vérifie aussi le PDF.")
        let t = try espace()
        let r = try Binaire.lancer(["tableau-de-bord", "--dossier", t.dossier.path, "--mois", "2025-12", "--format", "html,pdf"])
        XCTAssertEqual(r.code, 0, r.erreur)
        let pdf = t.espace.dossierRapports.appendingPathComponent("tableau-de-bord-c360-de-test-2025-12.pdf")
        let octets = try Data(contentsOf: pdf)
        XCTAssertEqual(octets.prefix(5), Data("%PDF-".utf8))
        XCTAssertTrue(FileManager.default.fileExists(atPath: t.espace.dossierRapports.appendingPathComponent("tableau-de-bord-c360-de-test.pdf").path))
        // Tagged (a structure tree) and more than one page.
        let texte = String(decoding: octets, as: UTF8.self)
        XCTAssertTrue(octets.count > 20_000)
        XCTAssertTrue(texte.contains("/StructTreeRoot") || texte.contains("/MarkInfo"), "PDF balisé")
        XCTAssertFalse(try FileManager.default.contentsOfDirectory(atPath: t.espace.dossierRapports.path).contains { $0.hasSuffix(".tmp") })
    }
}
