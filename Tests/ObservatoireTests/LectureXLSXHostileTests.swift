import Foundation
import GRDB
import XCTest
@testable import ObservatoireCore
@testable import ObservatoireImport
@testable import ObservatoireStore

/// Workbooks whose cells cannot be read as they claim: a shared string that does not exist, a
/// table of shared strings missing from the package, a formula saved without its value, rows
/// numbered backwards, a NUL through a character reference. None of them may turn into an empty
/// value or a row that vanishes: the row is rejected with a French message naming the cell and
/// what to do, or the file is refused as a whole.
final class LectureXLSXHostileTests: XCTestCase {
    /// Columns of `CSV.enteteSollicitations`, by name.
    static let colonnes = AttaquesTests.colonnes
    static func position(_ nom: String) -> Int { colonnes.firstIndex(of: nom)! }

    /// A row numbered `r`: one inline-string cell per value, each with its reference; `cellules`
    /// gives the XML of some cells instead (`@` stands for the cell's reference).
    static func ligne(_ r: Int, _ valeurs: [String], cellules: [Int: String] = [:]) -> String {
        var s = "<row r=\"\(r)\">"
        for (i, v) in valeurs.enumerated() {
            let ref = ReferenceCellule.texte(ligne: r, colonne: i)
            if let c = cellules[i] {
                s += c.replacingOccurrences(of: "@", with: ref)
            } else if !v.isEmpty {
                s += "<c r=\"\(ref)\" t=\"inlineStr\"><is><t>\(v)</t></is></c>"
            }
        }
        return s + "</row>"
    }

    static func entete(_ r: Int = 1, extra: [String] = []) -> String { ligne(r, colonnes + extra) }

    /// The values of a valid request (the identifier set afterwards: it may hold `;`, as a
    /// character reference does).
    static func sollicitation(_ id: String, extra: [String] = []) -> [String] {
        var v = AttaquesTests.valeursSollicitation("X")
        v[0] = id
        return v + extra
    }

    /// Writes a workbook of one sheet (`lignes` inside `sheetData`) in the workspace's input folder.
    @discardableResult
    /// `fusions`: merged ranges (`K2:K3`), written after the rows as Excel writes them.
    func classeur(_ t: EspaceDeTest, _ nom: String, _ lignes: [String], partagees: String? = nil,
                  liens: String? = nil, autresParties: [(String, String)] = [], fusions: [String] = []) throws -> URL {
        let url = t.dossier.appendingPathComponent("entree").appendingPathComponent(nom)
        try FileManager.default.createDirectory(at: url.deletingLastPathComponent(), withIntermediateDirectories: true)
        let fusionnees = fusions.isEmpty ? "" : "<mergeCells count=\"\(fusions.count)\">" + fusions.map { "<mergeCell ref=\"\($0)\"/>" }.joined() + "</mergeCells>"
        var parties = AttaquesTests.partiesClasseur(feuille: "<worksheet><sheetData>" + lignes.joined() + "</sheetData>" + fusionnees + "</worksheet>",
                                                    partagees: partagees)
        if let liens, let i = parties.firstIndex(where: { $0.0 == "xl/_rels/workbook.xml.rels" }) { parties[i].1 = liens }
        try AttaquesTests.classeur(url, parties + autresParties)
        return url
    }

    func importer(_ t: EspaceDeTest, _ url: URL) throws -> BilanFichier {
        let b = try t.importer([url]) { $0.table = .sollicitations }
        XCTAssertEqual(b.fichiers.count, 1)
        let f = b.fichiers[0]
        if f.erreur == nil { XCTAssertEqual(f.lues, f.importees + f.rejetees, "lues = importées + rejetées") }
        return f
    }

    struct RejetLu {
        let ligne: Int
        let colonne: String?
        let valeur: String?
        let regle: String
        let message: String
    }

    func rejets(_ t: EspaceDeTest, fichier: String = "sollicitations.xlsx") throws -> [RejetLu] {
        try t.base().file.read { db in
            try Row.fetchAll(db, sql: "SELECT ligne, colonne, valeur, regle, message FROM rejets WHERE fichier = ? ORDER BY ligne", arguments: [fichier]).map {
                RejetLu(ligne: $0["ligne"], colonne: $0["colonne"], valeur: $0["valeur"], regle: $0["regle"], message: $0["message"])
            }
        }
    }

    func identifiants(_ t: EspaceDeTest) throws -> [String] {
        try t.base().file.read { try String.fetchAll($0, sql: "SELECT id_sollicitation FROM sollicitations ORDER BY 1") }
    }

    // MARK: - B2: shared strings

    /// A shared-string index out of range, negative or not a number: the row is rejected with
    /// the cell named, never stored with an empty (NULL) value.
    func testReferenceDeTexteIntrouvableRejetteLaLigne() throws {
        let t = try EspaceDeTest()
        let canal = Self.position("canal"), cloture = Self.position("date_cloture"), profil = Self.position("profil")
        let url = try classeur(t, "sollicitations.xlsx", [
            Self.entete(extra: ["commentaire"]),
            Self.ligne(2, Self.sollicitation("S1", extra: [""]), cellules: [canal: "<c r=\"@\" t=\"s\"><v>99999</v></c>"]),
            Self.ligne(3, Self.sollicitation("S2", extra: [""]), cellules: [cloture: "<c r=\"@\" t=\"s\"><v>abc</v></c>"]),
            Self.ligne(4, Self.sollicitation("S3", extra: [""]), cellules: [profil: "<c r=\"@\" t=\"s\"><v>-5</v></c>"]),
            Self.ligne(5, Self.sollicitation("S4", extra: [""]), cellules: [canal: "<c r=\"@\" t=\"s\"><v>0</v></c>", cloture: "<c r=\"@\" t=\"s\"><v>1</v></c>"]),
            // A broken reference in an extra column (never stored) does not spoil the row.
            Self.ligne(6, Self.sollicitation("S5", extra: ["x"]), cellules: [16: "<c r=\"@\" t=\"s\"><v>777</v></c>"]),
        ], partagees: "<sst><si><t>mail</t></si><si><t>2025-04-01</t></si></sst>")
        let f = try importer(t, url)
        XCTAssertNil(f.erreur)
        XCTAssertEqual(f.lues, 5)
        XCTAssertEqual(f.importees, 2)
        XCTAssertEqual(f.motifs, ["cellule_illisible": 3])
        XCTAssertEqual(try identifiants(t), ["S4", "S5"])
        XCTAssertEqual(try t.base().file.read { try Row.fetchOne($0, sql: "SELECT canal, date_cloture FROM sollicitations WHERE id_sollicitation = 'S4'") }
                       .map { "\($0[0] as String? ?? "-") \($0[1] as String? ?? "-")" }, "mail 2025-04-01", "a valid reference is read")
        let r = try rejets(t)
        XCTAssertEqual(r.map(\.ligne), [2, 3, 4])
        XCTAssertEqual(r.map(\.colonne), ["canal", "date_cloture", "profil"])
        for (rejet, cellule) in zip(r, ["L2", "P3", "D4"]) {
            XCTAssertTrue(rejet.message.contains("La cellule \(cellule) (colonne « \(rejet.colonne ?? "?") »)"), rejet.message)
            XCTAssertTrue(rejet.message.contains("Excel ou LibreOffice"), rejet.message)
            XCTAssertFalse(rejet.message.contains("vide"), "not mistaken for an empty cell: \(rejet.message)")
            XCTAssertNil(rejet.valeur)
            for brut in ["99999", "abc", "-5"] { XCTAssertFalse(rejet.message.contains(brut), rejet.message) }
        }
    }

    /// Cells that refer to a table of shared strings the package lacks: the workbook is
    /// damaged, the file is refused (exit 65), nothing of it is stored or recorded as imported.
    func testClasseurSansTableDesTextesEstRefuse() throws {
        let t = try EspaceDeTest()
        let partagee = Self.position("profil")
        // Inline header and inline rows, then a shared-string row past the header preview: the
        // file is refused even after 25 rows were read.
        var lignes = [Self.entete()]
        for i in 2...26 { lignes.append(Self.ligne(i, Self.sollicitation("S\(i)"))) }
        lignes.append(Self.ligne(27, Self.sollicitation("S27"), cellules: [partagee: "<c r=\"@\" t=\"s\"><v>0</v></c>"]))
        let url = try classeur(t, "sollicitations.xlsx", lignes)
        let f = try importer(t, url)
        let erreur = try XCTUnwrap(f.erreur, "refused as a whole")
        XCTAssertTrue(erreur.raison.contains("endommagé") && erreur.raison.contains("sharedStrings.xml"), erreur.raison)
        XCTAssertTrue(erreur.conseil.contains("Excel ou LibreOffice"), erreur.conseil)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 0, "nothing of the file is stored")
        XCTAssertEqual(try t.compter("SELECT count(*) FROM imports"), 0, "not recorded as imported")

        // The command: exit code 65 (an unreadable file), a French message naming the file.
        let r = try Binaire.lancer(["importer", "--dossier", t.dossier.path, url.path], delaiMax: 120)
        XCTAssertFalse(r.tue)
        XCTAssertEqual(r.code, 65, r.sortie + r.erreur)
        XCTAssertTrue((r.sortie + r.erreur).contains("sollicitations.xlsx"), r.sortie + r.erreur)
        XCTAssertTrue((r.sortie + r.erreur).contains("endommagé"), r.sortie + r.erreur)

        // The same data with its table of shared strings, where the workbook's relationships put
        // it (not the usual name), is read.
        let liens = "<Relationships><Relationship Id=\"rId1\" Target=\"worksheets/sheet1.xml\"/>"
            + "<Relationship Id=\"rId2\" Type=\"http://schemas.openxmlformats.org/officeDocument/2006/relationships/sharedStrings\" Target=\"textes/table.xml\"/></Relationships>"
        let bon = try classeur(t, "sollicitations-bis.xlsx", lignes, liens: liens,
                               autresParties: [("xl/textes/table.xml", "<sst><si><t>aidant</t></si></sst>")])
        let g = try importer(t, bon)
        XCTAssertNil(g.erreur)
        XCTAssertEqual(g.importees, 26)
        XCTAssertEqual(try t.base().file.read { try String.fetchOne($0, sql: "SELECT profil FROM sollicitations WHERE id_sollicitation = 'S27'") }, "aidant")
    }

    // MARK: - B3: formulas without a computed value

    /// A formula saved without its value (openpyxl's `<f>…</f><v/>`, or no `<v>` at all): the
    /// row is rejected and told to open and save the workbook; a formula with its value, or
    /// whose value is an empty text, is read.
    func testFormuleSansValeurRejetteLaLigne() throws {
        let t = try EspaceDeTest()
        let canal = Self.position("canal"), profil = Self.position("profil"), cloture = Self.position("date_cloture")
        let url = try classeur(t, "sollicitations.xlsx", [
            Self.entete(extra: ["total"]),
            Self.ligne(2, Self.sollicitation("S1", extra: [""]), cellules: [canal: "<c r=\"@\"><f>LOWER(\"MAIL\")</f><v /></c>"]),
            Self.ligne(3, Self.sollicitation("S2", extra: [""]), cellules: [profil: "<c r=\"@\"><f>LOWER(\"ADULTE_SH\")</f></c>"]),
            Self.ligne(4, Self.sollicitation("S3", extra: [""]), cellules: [canal: "<c r=\"@\" t=\"str\"><f>LOWER(\"MAIL\")</f><v>mail</v></c>",
                                                                         cloture: "<c r=\"@\" t=\"str\"><f>\"\"</f><v></v></c>"]),
            // A computed extra column (never stored) without its values does not spoil the row.
            Self.ligne(5, Self.sollicitation("S4", extra: [""]), cellules: [16: "<c r=\"@\"><f>SUM(A1:A4)</f><v/></c>"]),
        ])
        let f = try importer(t, url)
        XCTAssertNil(f.erreur)
        XCTAssertEqual(f.lues, 4)
        XCTAssertEqual(f.motifs, ["cellule_illisible": 2])
        XCTAssertEqual(try identifiants(t), ["S3", "S4"])
        XCTAssertEqual(try t.base().file.read { try Row.fetchOne($0, sql: "SELECT canal, date_cloture FROM sollicitations WHERE id_sollicitation = 'S3'") }
                       .map { "\($0[0] as String? ?? "-") \($0[1] as String? ?? "-")" }, "mail -")
        let r = try rejets(t)
        XCTAssertEqual(r.map(\.ligne), [2, 3])
        XCTAssertEqual(r.map(\.colonne), ["canal", "profil"])
        for (rejet, cellule) in zip(r, ["L2", "D3"]) {
            XCTAssertTrue(rejet.message.contains("La cellule \(cellule)"), rejet.message)
            XCTAssertTrue(rejet.message.contains("formule dont la valeur n'a pas été calculée"), rejet.message)
            XCTAssertTrue(rejet.message.contains("Ouvrez le classeur dans Excel ou LibreOffice et enregistrez-le"), rejet.message)
            XCTAssertFalse(rejet.message.contains("LOWER"), "the formula is not quoted: \(rejet.message)")
        }
    }

    /// A header cell that cannot be read would drop its whole column without a word: the file
    /// is refused instead.
    func testEnTeteIllisibleRefuseLeClasseur() throws {
        let t = try EspaceDeTest()
        let canal = Self.position("canal")
        for (nom, cellule) in [("formule", "<c r=\"@\"><f>LOWER(\"CANAL\")</f><v/></c>"), ("texte", "<c r=\"@\" t=\"s\"><v>12</v></c>")] {
            let url = try classeur(t, "sollicitations-\(nom).xlsx", [
                Self.ligne(1, Self.colonnes, cellules: [canal: cellule]),
                Self.ligne(2, Self.sollicitation("S1")),
            ], partagees: "<sst><si><t>canal</t></si></sst>")
            let f = try importer(t, url)
            let erreur = try XCTUnwrap(f.erreur, nom)
            XCTAssertTrue(erreur.raison.contains("ligne d'en-tête") && erreur.raison.contains("L1"), erreur.raison)
            XCTAssertEqual(erreur.conseil, FichierIllisible.reenregistrer)
        }
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 0)
    }

    // MARK: - B4: rows numbered backwards

    /// A row numbered at or before an earlier row (crafted after the header, or repeating a row
    /// number) is read and rejected, never skipped; an empty one loses nothing.
    func testLigneNumeroteeEnArriereNEstPasPerdue() throws {
        let t = try EspaceDeTest()
        let url = try classeur(t, "sollicitations.xlsx", [
            "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>Suivi des appels 2025</t></is></c></row>",
            Self.entete(2),
            Self.ligne(3, Self.sollicitation("S1")),
            Self.ligne(4, Self.sollicitation("S2")),
            Self.ligne(5, Self.sollicitation("S3")),
            Self.ligne(1, Self.sollicitation("S9")),
            Self.ligne(4, Self.sollicitation("S8")),
            "<row r=\"2\"/>",
            Self.ligne(6, Self.sollicitation("S4")),
        ])
        let f = try importer(t, url)
        XCTAssertNil(f.erreur)
        XCTAssertEqual(f.lues, 6, "every row that holds something is counted")
        XCTAssertEqual(f.importees, 4)
        XCTAssertEqual(f.motifs, ["ligne_malformee": 2])
        XCTAssertEqual(try identifiants(t), ["S1", "S2", "S3", "S4"])
        let r = try rejets(t)
        XCTAssertEqual(r.map(\.ligne), [1, 4])
        for rejet in r {
            XCTAssertTrue(rejet.message.contains("vient après la ligne 5"), rejet.message)
            XCTAssertTrue(rejet.message.contains("Excel ou LibreOffice"), rejet.message)
        }
    }

    /// A cell given twice in one row (crafted file): its value is unknown, so the row is
    /// rejected as `cellule_illisible`, naming the cell, rather than keeping whichever value came
    /// last; in an extra column (never read) it does not matter. Cells out of order but
    /// distinct are read.
    func testCelluleRepeteeRejetteLaLigne() throws {
        let t = try EspaceDeTest()
        let profil = Self.position("profil"), commentaire = Self.colonnes.count
        let ref = ReferenceCellule.texte(ligne: 3, colonne: profil)
        let deuxFois = { (a: String, b: String) in "<c r=\"@\" t=\"inlineStr\"><is><t>\(a)</t></is></c><c r=\"@\" t=\"inlineStr\"><is><t>\(b)</t></is></c>" }
        let url = try classeur(t, "sollicitations.xlsx", [
            Self.entete(extra: ["commentaire"]),
            Self.ligne(2, Self.sollicitation("S1", extra: [""])),
            Self.ligne(3, Self.sollicitation("S2", extra: [""]), cellules: [profil: deuxFois("aidant", "adulte_sh")]),
            "<row r=\"4\">" + Self.ligne(4, Self.sollicitation("S3", extra: [""])).dropFirst("<row r=\"4\">".count).dropLast("</row>".count)
                .components(separatedBy: "</c>").filter { !$0.isEmpty }.reversed().map { $0 + "</c>" }.joined() + "</row>",
            Self.ligne(5, Self.sollicitation("S4", extra: ["x"]), cellules: [commentaire: deuxFois("a", "b")]),
        ])
        let f = try importer(t, url)
        XCTAssertEqual(f.lues, 4)
        XCTAssertEqual(f.motifs, ["cellule_illisible": 1])
        XCTAssertEqual(try identifiants(t), ["S1", "S3", "S4"], "les cellules dans le désordre mais distinctes sont lues")
        let r = try rejets(t)
        XCTAssertEqual(r.map(\.ligne), [3])
        XCTAssertTrue(r[0].message.contains("La cellule \(ref) (colonne « profil ») apparaît deux fois"), r[0].message)
        XCTAssertFalse(r[0].message.contains("aidant") || r[0].message.contains("adulte"), "aucune valeur citée")
    }

    /// A sheet omits empty cells: a row whose last cells are empty is not « cut », and the
    /// message of its reject does not say so (a CSV row that short would).
    func testLigneCourteDUnClasseurNEstPasDiteCoupee() throws {
        let t = try EspaceDeTest()
        let profil = Self.position("profil")
        var valeurs = Self.sollicitation("S1")
        valeurs[profil] = "inconnu"
        for k in (profil + 1)..<valeurs.count { valeurs[k] = "" }
        let url = try classeur(t, "sollicitations.xlsx", [Self.entete(), Self.ligne(2, valeurs)])
        let f = try importer(t, url)
        XCTAssertEqual(f.rejetees, 1)
        let r = try rejets(t)
        XCTAssertFalse(r[0].message.contains("ligne incomplète"), r[0].message)
    }

    // MARK: - B7: control characters

    /// A NUL from a character reference, a shared string or a raw byte: the row is rejected
    /// exactly as the CSV reader rejects a NUL byte (same rule, same message). Tabs and line
    /// breaks are ordinary text, and other control characters are kept as a CSV keeps them.
    func testCaractereNulRejeteCommeEnCSV() throws {
        let t = try EspaceDeTest()
        let personne = Self.position("personne_id")
        let url = try classeur(t, "sollicitations.xlsx", [
            Self.entete(),
            Self.ligne(2, Self.sollicitation("S&#x1B;[31mX&#0;&#x7;")),
            Self.ligne(3, Self.sollicitation("S3"), cellules: [personne: "<c r=\"@\" t=\"s\"><v>0</v></c>"]),
            Self.ligne(4, Self.sollicitation("S4\u{0}")),
            Self.ligne(5, Self.sollicitation("T&#9;1&#10;a&#13;b")),
            Self.ligne(6, Self.sollicitation("E&#x1B;1")),
        ], partagees: "<sst><si><t>P&#0;1</t></si></sst>")
        let f = try importer(t, url)
        XCTAssertNil(f.erreur)
        XCTAssertEqual(f.lues, 5)
        XCTAssertEqual(f.motifs, ["encodage_invalide": 3])
        XCTAssertEqual(try t.base().file.read { try String.fetchAll($0, sql: "SELECT hex(id_sollicitation) FROM sollicitations ORDER BY 1") },
                       ["451B31", "5409310A610D62"], "tab, line breaks and ESC kept as in a CSV")
        let xlsx = try rejets(t)
        XCTAssertEqual(xlsx.map(\.ligne), [2, 3, 4])

        // The CSV reader on the same NUL.
        let csv = try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, [CSV.sollicitation("C\u{0}1"), CSV.sollicitation("E\u{1B}2")]))
        let g = try importer(t, csv)
        XCTAssertEqual(g.motifs, ["encodage_invalide": 1])
        XCTAssertEqual(g.importees, 1, "ESC is kept by the CSV reader too")
        let rejetsCSV = try rejets(t, fichier: "sollicitations.csv")
        XCTAssertEqual(rejetsCSV.map(\.ligne), [2])
        let rejetCSV = try XCTUnwrap(rejetsCSV.first)
        for rejet in xlsx {
            XCTAssertEqual(rejet.regle, rejetCSV.regle)
            XCTAssertEqual(rejet.message, rejetCSV.message, "one rule, one message for both readers")
            XCTAssertTrue(rejet.message.contains("caractère nul"), rejet.message)
        }
    }

    // MARK: - Excel error values

    /// An error cell (`t="e"`: `#N/A` from a failed lookup, `#REF!`…) is no value: in a read
    /// column its row is rejected as `cellule_illisible`, naming the cell, the error as a French
    /// Excel shows it (only Excel's own codes, never other text of the file) and what to do; it
    /// is never stored (a territory « #N/A »). In an extra column, or in the header row beside
    /// the names, it changes nothing.
    func testErreurExcelRejetteLaLigne() throws {
        let t = try EspaceDeTest()
        let territoire = Self.position("territoire"), canal = Self.position("canal"), commentaire = Self.colonnes.count
        let url = try classeur(t, "sollicitations.xlsx", [
            Self.entete(extra: ["commentaire"]).replacingOccurrences(of: "</row>", with: "<c r=\"R1\" t=\"e\"><f>1/0</f><v>#DIV/0!</v></c></row>"),
            Self.ligne(2, Self.sollicitation("S1", extra: [""]), cellules: [territoire: "<c r=\"@\" t=\"e\"><f>VLOOKUP(C2,Listes!A:B,2,0)</f><v>#N/A</v></c>"]),
            Self.ligne(3, Self.sollicitation("S2", extra: [""]), cellules: [canal: "<c r=\"@\" t=\"e\"><v>#VALUE!</v></c>"]),
            Self.ligne(4, Self.sollicitation("S3", extra: [""]), cellules: [territoire: "<c r=\"@\" t=\"e\"><v>Mme Durand</v></c>"]),
            // An error in an extra column (never stored) does not spoil the row.
            Self.ligne(5, Self.sollicitation("S4", extra: [""]), cellules: [commentaire: "<c r=\"@\" t=\"e\"><f>1/0</f><v>#DIV/0!</v></c>"]),
        ])
        let f = try importer(t, url)
        XCTAssertNil(f.erreur, "an error beside the header names does not refuse the file")
        XCTAssertEqual(f.lues, 4)
        XCTAssertEqual(f.motifs, ["cellule_illisible": 3])
        XCTAssertEqual(try identifiants(t), ["S4"])
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations WHERE territoire LIKE '#%' OR canal LIKE '#%'"), 0)
        let r = try rejets(t)
        XCTAssertEqual(r.map(\.ligne), [2, 3, 4])
        XCTAssertEqual(r.map(\.colonne), ["territoire", "canal", "territoire"])
        for (rejet, (cellule, code)) in zip(r, [("J2", " (#N/A)"), ("L3", " (#VALEUR!)"), ("J4", "")]) {
            XCTAssertEqual(rejet.regle, "cellule_illisible")
            XCTAssertNil(rejet.valeur)
            XCTAssertTrue(rejet.message.contains("La cellule \(cellule) (colonne « \(rejet.colonne ?? "?") ») contient une erreur Excel\(code) au lieu d'une valeur"), rejet.message)
            XCTAssertTrue(rejet.message.contains("corrigez la formule de cette cellule ou remplacez-la par la bonne valeur"), rejet.message)
            for brut in ["VLOOKUP", "Durand", "Listes"] { XCTAssertFalse(rejet.message.contains(brut), rejet.message) }
        }
    }

    // MARK: - Merged cells

    /// A range merged down in the data area (a territory over the calls of one day): Excel shows
    /// its top-left value on every row, and every row reads it, rather than the lower rows being
    /// rejected for an empty territory. A hidden value under the range reads as what is shown; a
    /// row with nothing else stays blank; an unreadable top-left cell rejects every row of the
    /// range, naming it; a title merged above the header and a range in an extra column change
    /// nothing.
    func testCelluleFusionneeDansLesDonneesVautPourChaqueLigne() throws {
        let t = try EspaceDeTest()
        let territoire = Self.position("territoire")
        func sans(_ id: String, _ valeur: String? = nil) -> [String] {
            var v = Self.sollicitation(id, extra: ["note"])
            v[territoire] = valeur ?? ""
            return v
        }
        let url = try classeur(t, "sollicitations.xlsx", [
            "<row r=\"1\"><c r=\"A1\" t=\"inlineStr\"><is><t>Suivi des appels 2025</t></is></c></row>",
            Self.entete(2, extra: ["commentaire"]),
            Self.ligne(3, sans("S1", "Lille")),
            Self.ligne(4, sans("S2")),
            Self.ligne(5, sans("S3", "Douai")),
            Self.ligne(6, sans("S4", "Arras")),       // hidden under J5:J6: Excel shows « Douai »
            // Row 7 lies under J5:J7 but holds only formatted empty cells: it stays blank.
            "<row r=\"7\"><c r=\"J7\" s=\"1\"/><c r=\"Q7\" s=\"1\"/></row>",
            Self.ligne(8, sans("S5"), cellules: [territoire: "<c r=\"@\" t=\"e\"><f>VLOOKUP(C8,L!A:B,2,0)</f><v>#N/A</v></c>"]),
            Self.ligne(9, sans("S6")),
            Self.ligne(10, Self.sollicitation("S7", extra: ["note"])),
        ], fusions: ["A1:P1", "J3:J4", "J5:J7", "J8:J9", "Q3:Q10"])
        let f = try importer(t, url)
        XCTAssertNil(f.erreur)
        XCTAssertEqual(f.lues, 7, "row 7 is blank")
        XCTAssertEqual(f.motifs, ["cellule_illisible": 2])
        XCTAssertEqual(try t.base().file.read { db in
            try Row.fetchAll(db, sql: "SELECT id_sollicitation, territoire FROM sollicitations ORDER BY 1").map { "\($0[0] as String) \($0[1] as String)" }
        }, ["S1 Lille", "S2 Lille", "S3 Douai", "S4 Douai", "S7 Arrageois"])
        let r = try rejets(t)
        XCTAssertEqual(r.map(\.ligne), [8, 9])
        for rejet in r {
            XCTAssertEqual(rejet.colonne, "territoire")
            XCTAssertTrue(rejet.message.contains("La cellule J8 (colonne « territoire ») contient une erreur Excel (#N/A)"), rejet.message)
        }
    }

    /// A crafted sheet declaring a range over every cell of the sheet, and thousands more: the
    /// work stays bounded (nothing per cell of a range), the range's value is carried to the read
    /// columns of the rows that exist, and ranges past the cap are ignored.
    func testFusionsDemesureesRestentBornees() throws {
        let t = try EspaceDeTest()
        var fusions = ["A3:XFD1048576"]
        for i in 0..<(DelegueFeuille.fusionsMaximum + 5_000) { fusions.append("Q\(10 + 2 * i):XFD\(11 + 2 * i)") }
        let url = try classeur(t, "sollicitations.xlsx", [
            Self.entete(),
            Self.ligne(2, Self.sollicitation("S1")),
            Self.ligne(3, Self.sollicitation("S2")),
            Self.ligne(4, Self.sollicitation("S3")),
            Self.ligne(5, ["S4"]),
        ], fusions: fusions)
        let f = try importer(t, url)
        XCTAssertNil(f.erreur)
        XCTAssertEqual(f.lues, 4)
        XCTAssertEqual(try identifiants(t), ["S1"], "every cell of rows 3 to 5 shows A3's value, as in Excel")
        XCTAssertEqual(f.rejetees, 3)
    }
}

/// Review 4 (L4): a tracker's numbers typed as 1, 2… under the format `"A-"000` show « A-001 »
/// in Excel and in its CSV export, but were read « 1 » from the workbook: alternating the two
/// exports changed every number, and the snapshot guard refused the file. The formats that
/// write a whole number as text (zeros, literal text around) are applied; others are not.
final class FormatsNumerosTests: XCTestCase {
    func testLesFormatsQuiEcriventUnNumeroSontAppliques() throws {
        XCTAssertEqual(FormatNumero("\"A-\"000")?.ecrire("7"), "A-007")
        XCTAssertEqual(FormatNumero("0000")?.ecrire("42"), "0042")
        XCTAssertEqual(FormatNumero("\\N\\°0")?.ecrire("5"), "N°5")
        XCTAssertEqual(FormatNumero("000\" bis\"")?.ecrire("12345"), "12345 bis")
        for autre in ["0", "0.00", "#,##0", "0%", "dd/mm/yyyy", "000;-000", "@", "General", "0 00", "00\"x\"00"] {
            XCTAssertNil(FormatNumero(autre), autre)
        }
        XCTAssertNil(FormatNumero("000")?.ecrire("1.5"), "un nombre décimal reste tel quel")

        let t = try EspaceDeTest()
        typealias X = LectureXLSXHostileTests
        let styles = """
            <styleSheet><numFmts count="2"><numFmt numFmtId="164" formatCode="&quot;S-&quot;000"/><numFmt numFmtId="165" formatCode="0.00"/></numFmts>
            <cellXfs count="3"><xf numFmtId="0"/><xf numFmtId="164"/><xf numFmtId="165"/></cellXfs></styleSheet>
            """
        let url = t.dossier.appendingPathComponent("sollicitations.xlsx")
        try AttaquesTests.classeur(url, AttaquesTests.partiesClasseur(feuille: "<worksheet><sheetData>" + [
            X.entete(),
            X.ligne(2, X.sollicitation(""), cellules: [0: "<c r=\"@\" s=\"1\"><v>7</v></c>"]),
            X.ligne(3, X.sollicitation(""), cellules: [0: "<c r=\"@\" s=\"2\"><v>8</v></c>"]),
        ].joined() + "</sheetData></worksheet>") + [("xl/styles.xml", styles)])
        let b = try t.importer([url])
        XCTAssertEqual(b.totalImportees, 2, "\(b.fichiers.flatMap(\.exemples))")
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations WHERE id_sollicitation IN ('S-007', '8')"), 2)
    }
}
