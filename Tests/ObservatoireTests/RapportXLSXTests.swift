import Foundation
import XCTest
import ZIPFoundation
@testable import ObservatoireCore
@testable import ObservatoireImport
@testable import ObservatoireIndicateurs
@testable import ObservatoireRapports
@testable import ObservatoireStore

/// A produced workbook read back from its XML: sheets, cells with their number formats,
/// charts, properties. (Test-side reader: it only needs what libxlsxwriter writes.)
final class ClasseurLu {
    struct CelluleLue {
        var type: String
        var valeur: String
        var formatNombre: String
        var formule: Bool
    }

    var feuilles: [String: [String: CelluleLue]] = [:]
    var ordre: [String] = []
    var xml: [String: String] = [:]

    init(_ url: URL) throws {
        let archive = try Archive(url: url, accessMode: .read)
        for e in archive where e.type == .file {
            var d = Data()
            _ = try archive.extract(e) { d.append($0) }
            xml[e.path] = String(decoding: d, as: UTF8.self)
        }
        let partages = ClasseurLu.elements(xml["xl/sharedStrings.xml"] ?? "", "si").map { si in
            ClasseurLu.elements(si, "t").map(ClasseurLu.texte).joined()
        }
        // Styles: cellXfs index → number format code.
        let styles = xml["xl/styles.xml"] ?? ""
        var codes: [Int: String] = [9: "0%", 10: "0.00%", 3: "#,##0", 4: "#,##0.00", 14: "dd/mm/yyyy"]
        for nf in ClasseurLu.balises(styles, "numFmt") {
            if let id = Int(nf["numFmtId"] ?? ""), let code = nf["formatCode"] { codes[id] = ClasseurLu.texte(code) }
        }
        let xfs = ClasseurLu.balises(ClasseurLu.elements(styles, "cellXfs").first ?? "", "xf").map { codes[Int($0["numFmtId"] ?? "0") ?? 0] ?? "General" }
        // Sheets in tab order and their files.
        let liens = Dictionary(uniqueKeysWithValues: ClasseurLu.balises(xml["xl/_rels/workbook.xml.rels"] ?? "", "Relationship").map { ($0["Id"] ?? "", $0["Target"] ?? "") })
        for f in ClasseurLu.balises(xml["xl/workbook.xml"] ?? "", "sheet") {
            let nom = ClasseurLu.texte(f["name"] ?? "")
            ordre.append(nom)
            let contenu = xml["xl/" + (liens[f["r:id"] ?? ""] ?? "")] ?? ""
            var cellules: [String: CelluleLue] = [:]
            let motif = try NSRegularExpression(pattern: "<c ([^>]*?)(/>|>(.*?)</c>)", options: [.dotMatchesLineSeparators])
            for m in motif.matches(in: contenu, range: NSRange(contenu.startIndex..., in: contenu)) {
                let attributs = ClasseurLu.attributs(String(contenu[Range(m.range(at: 1), in: contenu)!]))
                let interieur = m.range(at: 3).location == NSNotFound ? "" : String(contenu[Range(m.range(at: 3), in: contenu)!])
                let type = attributs["t"] ?? "n"
                var valeur = ClasseurLu.elements(interieur, "v").first.map(ClasseurLu.texte) ?? ""
                if type == "s", let i = Int(valeur) { valeur = partages[i] }
                if type == "inlineStr" { valeur = ClasseurLu.elements(interieur, "t").map(ClasseurLu.texte).joined() }
                let style = Int(attributs["s"] ?? "0") ?? 0
                cellules[attributs["r"] ?? ""] = CelluleLue(type: type, valeur: valeur, formatNombre: style < xfs.count ? xfs[style] : "General",
                                                            formule: interieur.contains("<f"))
            }
            feuilles[nom] = cellules
        }
    }

    /// The rows of a sheet: cell texts by row, in column order.
    func lignes(_ feuille: String) -> [[String]] {
        var parLigne: [Int: [(Int, String)]] = [:]
        for (ref, c) in feuilles[feuille] ?? [:] {
            let col = DelegueFeuille.colonne(ref) ?? 0
            let l = DelegueFeuille.ligne(ref) ?? 0
            parLigne[l, default: []].append((col, c.valeur))
        }
        return parLigne.keys.sorted().map { l in
            let cs = parLigne[l]!
            var r = [String](repeating: "", count: (cs.map(\.0).max() ?? 0) + 1)
            for (c, v) in cs { r[c] = v }
            return r
        }
    }

    /// The row whose cell in `colonne` equals `texte`.
    func ligne(_ feuille: String, ou texte: String, colonne: Int) -> [String]? {
        lignes(feuille).first { $0.count > colonne && $0[colonne] == texte }
    }

    static func elements(_ xml: String, _ nom: String) -> [String] {
        guard let r = try? NSRegularExpression(pattern: "<\(nom)(?: [^>]*)?>(.*?)</\(nom)>", options: [.dotMatchesLineSeparators]) else { return [] }
        return r.matches(in: xml, range: NSRange(xml.startIndex..., in: xml)).map { String(xml[Range($0.range(at: 1), in: xml)!]) }
    }

    static func balises(_ xml: String, _ nom: String) -> [[String: String]] {
        guard let r = try? NSRegularExpression(pattern: "<\(nom) ([^>]*?)/?>", options: []) else { return [] }
        return r.matches(in: xml, range: NSRange(xml.startIndex..., in: xml)).map { attributs(String(xml[Range($0.range(at: 1), in: xml)!])) }
    }

    static func attributs(_ texte: String) -> [String: String] {
        guard let r = try? NSRegularExpression(pattern: "([\\w:]+)=\"([^\"]*)\"", options: []) else { return [:] }
        var a: [String: String] = [:]
        for m in r.matches(in: texte, range: NSRange(texte.startIndex..., in: texte)) {
            a[String(texte[Range(m.range(at: 1), in: texte)!])] = String(texte[Range(m.range(at: 2), in: texte)!])
        }
        return a
    }

    static func texte(_ xml: String) -> String {
        xml.replacingOccurrences(of: "&lt;", with: "<").replacingOccurrences(of: "&gt;", with: ">")
            .replacingOccurrences(of: "&quot;", with: "\"").replacingOccurrences(of: "&apos;", with: "'")
            .replacingOccurrences(of: "&amp;", with: "&")
    }
}

final class RapportXLSXTests: XCTestCase {
    var espaceCourant: EspaceDeTest?

    func rapport(diffusion: Diffusion, seuil: Int = 5, territoires: [String] = ["Arrageois", "Ternois"],
                 importer: ((EspaceDeTest) throws -> [URL])? = nil) throws -> (DonneesRapport, ClasseurLu, URL) {
        let t = try EspaceDeTest(territoires: territoires) { $0 = $0.replacingOccurrences(of: "seuil: 5", with: "seuil: \(seuil)") }
        espaceCourant = t
        let fichiers = try importer?(t) ?? [IndicateursTests.dossierFixture]
        _ = try t.importer(fichiers)
        let d = try Preparation.rapport(espace: t.espace, base: try t.base(), annee: 2025, diffusion: diffusion, modeles: Modeles(espace: t.espace),
                                        extraction: RapportHTMLTests.extraction)
        let url = try Publication.rapport(espace: t.espace, base: try t.base(), annee: 2025, formats: [.xlsx], diffusion: diffusion,
                                          dossier: t.espace.dossierRapports, extraction: RapportHTMLTests.extraction)[0]
        return (d, try ClasseurLu(url), url)
    }

    func testFeuillesNomEtProprietes() throws {
        let (_, c, url) = try rapport(diffusion: .interne)
        XCTAssertEqual(url.lastPathComponent, "rapport-activite-c360-de-test-2025.xlsx")
        // The sheets follow the plan; the narrative, still to be written, is left out.
        XCTAssertEqual(c.ordre, ["Synthèse", "Cahier des charges", "Mensuel", "Profils", "Problématiques", "Propositions", "Accompagnement",
                                 "Délais", "Territoires", "Équipe et partenaires", "Canaux et publics", "Qualité des données", "Méthodologie",
                                 "Annexe technique"])
        XCTAssertTrue(c.xml["docProps/core.xml"]?.contains("Rapport d'activité 2025 — C360 de test") == true)
        XCTAssertFalse(c.xml["xl/workbook.xml"]?.contains("hidden") == true, "aucune feuille cachée")
        for (nom, x) in c.xml where nom.hasPrefix("xl/worksheets/sheet") {
            XCTAssertFalse(x.contains("hidden=\"1\""), "\(nom) : aucune ligne ou colonne cachée")
            XCTAssertTrue(x.contains("orientation=\"landscape\"") && x.contains("paperSize=\"9\""), "\(nom) : A4 paysage")
            XCTAssertTrue(x.contains("&amp;P"), "\(nom) : numéros de page")
        }
        XCTAssertTrue(c.xml.keys.contains { $0.hasPrefix("xl/charts/chart") }, "graphiques natifs")
        XCTAssertTrue(c.xml.keys.contains { $0.hasPrefix("xl/tables/table") }, "tableaux Excel avec filtres")
    }

    func testTableauDeBordEgalAuMoteur() throws {
        let (d, c, _) = try rapport(diffusion: .interne)
        // Columns: N°, indicator, target, periodicity, value, rate, N-1, target met.
        let feuille = "Cahier des charges"
        let l16 = try XCTUnwrap(c.ligne(feuille, ou: "1.6", colonne: 0))
        XCTAssertEqual(l16[4], "6")
        XCTAssertEqual(Double(l16[5]), 0.75)
        XCTAssertEqual(l16[7], "atteinte")
        XCTAssertEqual(l16[2], "≥\u{00A0}70,0\u{00A0}%")
        let l17 = try XCTUnwrap(c.ligne(feuille, ou: "1.7", colonne: 0))
        XCTAssertEqual(Double(l17[4]), 16.8)
        XCTAssertEqual(Double(l17[6]), 19, "N-1 : 19 jours en 2024")
        // Every indicator: the value in the sheet equals the engine's.
        for v in d.tableau.indicateurs {
            let l = try XCTUnwrap(c.ligne(feuille, ou: v.code, colonne: 0), v.code)
            if let x = v.valeur { XCTAssertEqual(Double(l[4]) ?? -1, x, accuracy: 1e-9, v.code) }
            if let x = v.taux { XCTAssertEqual(Double(l[5]) ?? -1, x / 100, accuracy: 1e-9, v.code) }
        }
        XCTAssertTrue(c.lignes(feuille).contains { $0.first?.hasPrefix("Objectif 1 — Apporter une réponse inconditionnelle") == true })
        // Months of 1.1 and N-1.
        let janvier = try XCTUnwrap(c.ligne("Mensuel", ou: "janvier", colonne: 0))
        XCTAssertEqual(Array(janvier[1...2]), ["2", "0"])
        XCTAssertEqual(c.feuilles["Cahier des charges"]?.values.first { $0.valeur == "0.75" }?.formatNombre, "0.0%")
    }

    func testTexteFormuleResteDuTexte() throws {
        let piegeux = ["=HYPERLINK(\"http://exemple.invalid\",\"clic\")", "+cmd|' /C calc'!A0", "@SUM(A1:A2)", "-2+3"]
        let (_, c, _) = try rapport(diffusion: .interne, territoires: piegeux) { t in
            [try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations,
                piegeux.enumerated().map { CSV.sollicitation("S\($0.offset)", date: "2025-02-0\($0.offset + 1)", territoire: "\"\($0.element.replacingOccurrences(of: "\"", with: "\"\""))\"") }))]
        }
        var trouves = Set<String>()
        for (nom, cellules) in c.feuilles {
            for (ref, cellule) in cellules {
                XCTAssertFalse(cellule.formule, "\(nom)!\(ref) : aucune formule dans le classeur")
                if piegeux.contains(cellule.valeur) {
                    XCTAssertTrue(cellule.type == "s" || cellule.type == "inlineStr", "\(nom)!\(ref) est du texte")
                    trouves.insert(cellule.valeur)
                }
            }
        }
        XCTAssertEqual(trouves, Set(piegeux), "chaque territoire apparaît, tel quel")
    }

    func testExterneNeContientAucunPetitEffectif() throws {
        let (_, c, _) = try rapport(diffusion: .externe)
        let formatsDeComptage: Set<String> = ["#,##0", "General"]
        var comptes = 0
        for (nom, cellules) in c.feuilles {
            for (ref, cellule) in cellules where cellule.type == "n" && formatsDeComptage.contains(cellule.formatNombre) {
                guard let x = Double(cellule.valeur) else { continue }
                comptes += 1
                XCTAssertFalse(x >= 1 && x < 5, "\(nom)!\(ref) : effectif \(x) non masqué")
            }
        }
        XCTAssertGreaterThan(comptes, 20, "le test a bien lu des effectifs")
        XCTAssertTrue(c.feuilles["Mensuel"]?.values.contains { $0.valeur == "moins de 5" } == true)
        // Charts point at the cells; their caches (if any) hold no small count either.
        for (nom, x) in c.xml where nom.hasPrefix("xl/charts/") {
            for v in ClasseurLu.elements(x, "c:v") {
                if let n = Double(v) { XCTAssertFalse(n >= 1 && n < 5, "\(nom) : valeur \(n) dans le cache du graphique") }
            }
        }
        XCTAssertTrue(c.lignes("Synthèse").contains { $0.joined().contains("externe") })
    }

    func testEcritureImpossibleCode73() throws {
        let t = try EspaceDeTest()
        espaceCourant = t
        _ = try t.importer([IndicateursTests.dossierFixture])
        let d = try Publication.documentRapport(espace: t.espace, base: try t.base(), annee: 2025, diffusion: .interne)
        XCTAssertThrowsError(try RapportXLSX.ecrire(d, dans: URL(fileURLWithPath: "/proc/inexistant"), nom: "r.xlsx")) { e in
            XCTAssertEqual((e as? ErreurObservatoire)?.code, .ecritureImpossible, "\(e)")
        }
    }

    func testLeLecteurXLSXRelitUnClasseurEcritParLibxlsxwriter() throws {
        // The import's reader on a file written by libxlsxwriter (issue 6 asks for both sides).
        let dossier = FileManager.default.temporaryDirectory.appendingPathComponent("xlsx-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dossier, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dossier) }
        let url = dossier.appendingPathComponent("acteurs.xlsx")
        let c = try ClasseurXLSX(chemin: url.path)
        let f = try c.feuille("Annuaire")
        try f.fusionner(0, 0, 0, 6, "Annuaire territorial — export du 02/01/2026", StyleXLSX(gras: true))
        for (i, e) in ["acteur_id", "nom", "categorie", "membre_coeur", "partenaire", "date_referencement", "date_sortie"].enumerated() {
            try f.texte(1, i, e)
        }
        try f.texte(2, 0, "A1"); try f.texte(2, 1, "Mairie d'Arras"); try f.texte(2, 2, "droit_commun")
        try f.texte(2, 3, "non"); try f.nombre(2, 4, 1); try f.jour(2, 5, Jour(annee: 2025, mois: 3, jour: 14)!, StyleXLSX(formatNombre: "dd/mm/yyyy"))
        try f.nombre(3, 0, 42); try f.texte(3, 1, "=HYPERLINK(\"x\")"); try f.texte(3, 2, "specialise")
        try f.texte(3, 3, "oui"); try f.texte(3, 4, "non"); try f.texte(3, 5, "01/02/2024")
        try c.fermer()
        let l = try LecteurXLSX(url: url)
        XCTAssertEqual(l.entete.first, "acteur_id", "la ligne de titre fusionnée est sautée")
        var lignes: [EnregistrementBrut] = []
        try l.parcourir { lignes.append($0) }
        XCTAssertEqual(lignes.count, 2)
        XCTAssertEqual(lignes[0].champs[0], "A1")
        XCTAssertEqual(lignes[0].champs[4], "1")
        XCTAssertEqual(lignes[0].champs[5], "45730", "date Excel lue comme numéro de série")
        XCTAssertEqual(lignes[1].champs[0], "42")
        XCTAssertEqual(lignes[1].ligne, 4, "numéro de ligne de la feuille")
        let t = try EspaceDeTest()
        espaceCourant = t
        let b = try t.importer([url])
        XCTAssertEqual(b.fichiers[0].importees, 2, "\(b.fichiers[0].exemples)")
        XCTAssertEqual(try t.compter("SELECT count(*) FROM acteurs WHERE date_referencement = '2025-03-14'"), 1)
    }
}
