import Foundation
import XCTest
@testable import ObservatoireCore
@testable import ObservatoireImport

/// The reading rules of spec/format-export.md, one by one, on the CSV reader.
final class LectureCSVTests: XCTestCase {
    var dossier: URL!

    override func setUpWithError() throws {
        dossier = FileManager.default.temporaryDirectory.appendingPathComponent("csv-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dossier, withIntermediateDirectories: true)
    }

    override func tearDownWithError() throws {
        try? FileManager.default.removeItem(at: dossier)
    }

    func fichier(_ octets: [UInt8], _ nom: String = "t.csv") throws -> URL {
        let url = dossier.appendingPathComponent(nom)
        try Data(octets).write(to: url)
        return url
    }

    func lire(_ octets: [UInt8], tailleTampon: Int = 1 << 20) throws -> (LecteurCSV, [EnregistrementBrut]) {
        let l = try LecteurCSV(url: try fichier(octets), tailleTampon: tailleTampon)
        var r: [EnregistrementBrut] = []
        while let e = try l.suivant() { r.append(e) }
        return (l, r)
    }

    func testUTF8AvecEtSansBOM() throws {
        let texte = "nom;ville\nÉlodie;Liévin\n"
        let (a, ra) = try lire([0xEF, 0xBB, 0xBF] + Array(texte.utf8))
        let (b, rb) = try lire(Array(texte.utf8))
        XCTAssertEqual(a.entete, ["nom", "ville"], "le BOM ne doit pas coller au premier nom de colonne")
        XCTAssertEqual(ra.map(\.champs), [["Élodie", "Liévin"]])
        XCTAssertEqual(rb.map(\.champs), [["Élodie", "Liévin"]])
        XCTAssertEqual(a.encodage, .utf8)
        XCTAssertEqual(b.encodage, .utf8)
    }

    func testWindows1252Detecte() throws {
        // « é è à ç œ ’ » as French Excel writes them in Windows-1252.
        let octets: [UInt8] = Array("nom;note\n".utf8) + [0x45, 0x9C, 0x75, 0x76, 0x72, 0x65, 0x3B, 0xE9, 0xE8, 0xE0, 0xE7, 0x20, 0x92, 0x0A]
        let (l, r) = try lire(octets)
        XCTAssertEqual(l.encodage, .windows1252)
        XCTAssertEqual(r.first?.champs, ["Eœuvre", "éèàç ’"])
        XCTAssertNil(r.first?.anomalie)
    }

    func testSeparateursDetectes() throws {
        for (sep, nom) in [(";", "point-virgule"), (",", "virgule"), ("\t", "tabulation")] {
            let (l, r) = try lire(Array("a\(sep)b\(sep)c\n1\(sep)2\(sep)3\n".utf8))
            XCTAssertEqual(l.entete, ["a", "b", "c"], nom)
            XCTAssertEqual(r.first?.champs, ["1", "2", "3"], nom)
            XCTAssertTrue(l.description.contains(nom))
        }
    }

    func testGuillemetsSeparateursDoublesEtSautsDeLigne() throws {
        let texte = "a;b;c\n\"x;y\";\"il dit \"\"oui\"\"\";\"ligne 1\nligne 2\"\nsuite;2;3\n"
        let (_, r) = try lire(Array(texte.utf8))
        XCTAssertEqual(r.count, 2)
        XCTAssertEqual(r[0].champs, ["x;y", "il dit \"oui\"", "ligne 1\nligne 2"])
        XCTAssertEqual(r[0].ligne, 2)
        XCTAssertEqual(r[1].ligne, 3, "ligne Excel : un saut de ligne dans un champ cité reste dans la même ligne du tableur")
        XCTAssertEqual(r[1].champs, ["suite", "2", "3"])
    }

    func testFinsDeLigneCRLFetCR() throws {
        let (_, crlf) = try lire(Array("a;b\r\n1;2\r\n3;4\r\n".utf8))
        XCTAssertEqual(crlf.map(\.champs), [["1", "2"], ["3", "4"]])
        XCTAssertEqual(crlf.map(\.ligne), [2, 3])
        let (_, cr) = try lire(Array("a;b\r1;2\r3;4".utf8))
        XCTAssertEqual(cr.map(\.champs), [["1", "2"], ["3", "4"]])
    }

    func testEnregistrementAChevalSurDeuxTampons() throws {
        // A tiny buffer forces every record to straddle refills.
        let texte = "a;b\n\"long champ; avec séparateur\";2\r\n3;\"x\"\"y\"\n"
        let (_, r) = try lire(Array(texte.utf8), tailleTampon: 3)
        XCTAssertEqual(r.map(\.champs), [["long champ; avec séparateur", "2"], ["3", "x\"y"]])
    }

    func testLignesVidesIgnoreesEtComptees() throws {
        let (l, r) = try lire(Array("a;b\n1;2\n\n;\n3;4\n".utf8))
        XCTAssertEqual(r.map(\.champs), [["1", "2"], ["3", "4"]])
        XCTAssertEqual(l.lignesVides, 2)
    }

    func testEncodagesMelangesSignales() throws {
        // UTF-8 first, then a Windows-1252 byte: the row is flagged, not guessed.
        let octets = Array("a;b\nÉté;1\n".utf8) + [0x45, 0x74, 0xE9, 0x3B, 0x32, 0x0A]
        let (_, r) = try lire(octets)
        XCTAssertNil(r[0].anomalie)
        guard case .encodage = r[1].anomalie else { return XCTFail("encodages mélangés non signalés") }
    }

    func testOctetNulSignale() throws {
        let (_, r) = try lire(Array("a;b\n1;x".utf8) + [0] + Array("y\n".utf8))
        XCTAssertEqual(r[0].anomalie, .caractereNul, "octet nul non signalé")
    }

    func testChampTropLongBorne() throws {
        let long = String(repeating: "x", count: 300_000)
        let l = try LecteurCSV(url: try fichier(Array("a;b\n1;\(long)\n2;3\n".utf8)), limiteChamp: 1_000)
        let r1 = try l.suivant()!, r2 = try l.suivant()!
        XCTAssertEqual(r1.anomalie, .champTropLong(colonne: 1, taille: 1_000))
        XCTAssertLessThanOrEqual(r1.champs[1].count, 1_000, "le champ n'est jamais gardé en entier")
        XCTAssertEqual(r2.champs, ["2", "3"], "la ligne suivante est lue normalement")
    }

    func testTropDeChamps() throws {
        let l = try LecteurCSV(url: try fichier(Array(("a;b\n" + String(repeating: "1;", count: 50) + "\n").utf8)), limiteChamps: 10)
        XCTAssertEqual(try l.suivant()?.anomalie, .tropDeChamps(11))
    }

    func testGuillemetNonFerme() throws {
        // On the last line, nothing after it to lose: the record is flagged.
        let (_, r) = try lire(Array("a;b\n1;\"jamais fermé".utf8))
        XCTAssertEqual(r.count, 1)
        XCTAssertEqual(r[0].anomalie, .guillemetNonFerme)
        // Before other lines, the quote was a stray one (a note starting with a quote, in a
        // file whose tool does not quote cells): read as an ordinary character, no line lost.
        let (_, r2) = try lire(Array("a;b\n1;\"jamais fermé\n2;3\n".utf8))
        XCTAssertEqual(r2.map(\.champs), [["1", "\"jamais fermé"], ["2", "3"]])
        XCTAssertEqual(r2.map(\.ligne), [2, 3])
        XCTAssertEqual(r2.compactMap(\.anomalie), [])
    }

    /// A stray quote at the start of a cell, and a later row holding quotes inside a cell: the
    /// rows in between are not swallowed into one field (they were, silently: 5 rows read as 3).
    func testGuillemetEgareNAvalePasLesLignes() throws {
        let texte = "id;note;n\nS1;\"urgent rappeler;1\nS2;rien;2\nS3;dit \"merci\" au tel;3\nS4;;4\nS5;\"ok\";5\n"
        for taille in [1 << 20, 7] {
            let (l, r) = try lire(Array(texte.utf8), tailleTampon: taille)
            XCTAssertEqual(r.map(\.champs), [["S1", "\"urgent rappeler", "1"], ["S2", "rien", "2"], ["S3", "dit \"merci\" au tel", "3"],
                                            ["S4", "", "4"], ["S5", "ok", "5"]], "tampon de \(taille) octets")
            XCTAssertEqual(r.map(\.ligne), [2, 3, 4, 5, 6])
            XCTAssertEqual(r.compactMap(\.anomalie), [])
            XCTAssertEqual(try l.empreinte(), try LecteurCSV(url: try fichier(Array(texte.utf8), "u.csv")).empreinte(),
                           "relire une ligne ne compte pas ses octets deux fois dans l'empreinte")
        }
        // A multi-line note properly quoted is still one field, and a quote followed by text on
        // its own line is still kept as spreadsheets keep it.
        let (_, r) = try lire(Array("id;note\nS1;\"ligne 1\nligne 2\"\nS2;\"abc\"def\n".utf8))
        XCTAssertEqual(r.map(\.champs), [["S1", "ligne 1\nligne 2"], ["S2", "abcdef"]])
        XCTAssertEqual(r.map(\.ligne), [2, 3])
    }

    /// A stray quote with no other quote after it, in a file larger than the field limit: the
    /// reader goes back once the field is too long, instead of reading the rest as one field.
    func testGuillemetEgareSansFermeture() throws {
        var texte = "id;note\nS0;\"urgent\n"
        for k in 1...200 { texte += "S\(k);note \(k)\n" }
        let l = try LecteurCSV(url: try fichier(Array(texte.utf8)), limiteChamp: 100, tailleTampon: 64)
        var r: [EnregistrementBrut] = []
        while let e = try l.suivant() { r.append(e) }
        XCTAssertEqual(r.count, 201)
        XCTAssertEqual(r.first?.champs, ["S0", "\"urgent"])
        XCTAssertEqual(r.last?.champs, ["S200", "note 200"])
        XCTAssertEqual(r.last?.ligne, 202)
        XCTAssertEqual(r.compactMap(\.anomalie), [])
    }

    /// A row with fewer fields than the header is returned as it is (some tools drop the empty
    /// cells at the end of a row; the import reads them as empty and says when the row looks cut).
    func testLigneCourteRenduTelleQuelle() throws {
        let (_, r) = try lire(Array("a;b;c;;\n1;2;3\n4;5\n;;\n6;7;8;;\n".utf8))
        XCTAssertEqual(r.map(\.champs), [["1", "2", "3"], ["4", "5"], ["6", "7", "8", "", ""]])
        XCTAssertEqual(r.compactMap(\.anomalie), [])
    }

    /// Spaces after the closing quote of a multi-line cell (a hand-edited file): still the end
    /// of the cell, as spreadsheets read it; the row is not read again.
    func testEspacesApresUnGuillemetFermant() throws {
        let (_, r) = try lire(Array("id;nom;n\nA1;\"Mairie\nd'Arras\" ;1\nA2;\"x\ny\"  \nA3;z;3\n".utf8))
        XCTAssertEqual(r.map(\.champs), [["A1", "Mairie\nd'Arras ", "1"], ["A2", "x\ny  "], ["A3", "z", "3"]])
        XCTAssertEqual(r.map(\.ligne), [2, 3, 4])
    }

    func testFichiersRefusesEnBloc() throws {
        let cas: [([UInt8], String)] = [
            ([], "vide"),
            ([0xFF, 0xFE, 0x61, 0x00], "UTF-16"),
            ([0x50, 0x4B, 0x03, 0x04, 0, 0], "classeur Excel"),
            ([0xD0, 0xCF, 0x11, 0xE0, 0, 0], "97-2003"),
            (Array("\n\n\n".utf8), "aucune ligne"),
        ]
        for (octets, attendu) in cas {
            XCTAssertThrowsError(try LecteurCSV(url: try fichier(octets)), attendu) { e in
                XCTAssertTrue((e as? FichierIllisible)?.raison.contains(attendu) == true, "\(e)")
            }
        }
    }

    func testEmpreinteDuContenu() throws {
        let a = try LecteurCSV(url: try fichier(Array("a;b\n1;2\n".utf8), "x.csv"))
        let b = try LecteurCSV(url: try fichier(Array("a;b\n1;2\n".utf8), "y.csv"))
        let c = try LecteurCSV(url: try fichier(Array("a;b\n1;3\n".utf8), "z.csv"))
        XCTAssertEqual(try a.empreinte(), try b.empreinte())
        XCTAssertNotEqual(try a.empreinte(), try c.empreinte())
        // SHA-256 of "a;b\n1;2\n"
        XCTAssertEqual(try a.empreinte().count, 64)
    }
}
