import Foundation
#if canImport(CoreFoundation)
import CoreFoundation
#endif
import GRDB
import XCTest
@testable import ObservatoireCore
@testable import ObservatoireImport
@testable import ObservatoireStore

/// Review 4: real coordinators' trackers (check marks, ISO-8859-15 CSV, several problem types
/// in one cell, territory spellings, password-protected workbooks). Fixtures are the example
/// tracker of `data/exemples/suivi-appels` with a few cells changed (``jumeau(_:_:encodage:)``),
/// read with the shipped profile.
final class Suivi4Tests: XCTestCase {
    /// A workspace with the shipped profile in its `profils/` folder.
    func espace(territoires: [String] = []) throws -> EspaceDeTest {
        let t = try EspaceDeTest(territoires: territoires)
        try FileManager.default.copyItem(at: SuiviTests.profil, to: t.espace.dossierProfils.appendingPathComponent("suivi-appels.yml"))
        return t
    }

    func importer(_ t: EspaceDeTest, _ urls: [URL]) throws -> BilanImport {
        try t.importer(urls) { o in o.profils = [try! ProfilCorrespondance.charger(SuiviTests.profil)] }
    }

    func entree(_ b: BilanImport, _ table: TableCanonique) throws -> BilanFichier {
        try XCTUnwrap(b.fichiers.first { $0.table == table }, "\(table)")
    }

    /// The example tracker's CSV twin with some cells changed (`changements[id][column index]`),
    /// written with `encodage` (UTF-8 by default) under the same file name.
    func jumeau(_ t: EspaceDeTest, _ changements: [String: [Int: String]], nom: String = "suivi-appels-2025.csv",
                encodage: (String) throws -> Data = { Data($0.utf8) }) throws -> URL {
        let source = try String(contentsOf: SuiviTests.exemples.appendingPathComponent("suivi-appels-2025.csv"), encoding: .windowsCP1252)
        var lignes = source.components(separatedBy: "\r\n")
        var faits = 0
        for (i, l) in lignes.enumerated() {
            var champs = l.components(separatedBy: ";")
            guard let c = changements[champs[0]] else { continue }
            for (k, v) in c { champs[k] = v }
            lignes[i] = champs.joined(separator: ";")
            faits += 1
        }
        XCTAssertEqual(faits, changements.count, "every row to change was found")
        let dossier = t.dossier.appendingPathComponent("jumeau-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dossier, withIntermediateDirectories: true)
        let url = dossier.appendingPathComponent(nom)
        try encodage(lignes.joined(separator: "\r\n")).write(to: url)
        return url
    }

    static let partenaires = SuiviTests.exemples.appendingPathComponent("partenaires-c360.csv")

    // MARK: - F3: check marks

    func testLesCochesSeLisentOuiNonEtUnSymboleIncomprisNEstJamaisVide() {
        func lu(_ s: String) -> String {
            switch Valeurs.booleen(s) {
            case .vide: return "vide"
            case .invalide: return "invalide"
            case .valeur(let b): return b ? "oui" : "non"
            }
        }
        for s in ["✓", "✔", "✔\u{FE0F}", "☑", "✅", " ✓ ", "\u{A0}✓", "✓✓"] { XCTAssertEqual(lu(s), "oui", s) }
        for s in ["✗", "✘", "☒", "❌", "❎", " ✗", "☐", "□"] { XCTAssertEqual(lu(s), "non", s) }
        // A symbol nobody defined: typed, so not empty; reported as not understood.
        for s in ["★", "→", "✓✗", "×", "€", "🙂"] { XCTAssertEqual(lu(s), "invalide", s) }
        // Punctuation alone still leaves a cell blank, as before. An empty box is the
        // unticked counterpart of ☑ (regression reviews M5): no, above.
        for s in ["", "  ", "-", "?", "/"] { XCTAssertEqual(lu(s), "vide", s) }
        // Unchanged readings.
        XCTAssertEqual(lu("Oui"), "oui")
        XCTAssertEqual(lu("N"), "non")
        XCTAssertEqual(lu("peut-être"), "invalide")
        XCTAssertTrue(Normalisation.symbolique("✓"))
        XCTAssertFalse(Normalisation.symbolique("- ?"))
    }

    /// Review 4 (F3): ✓ in « Montage partenarial 1 » and « Éval. existante » (both `defaut: non`
    /// in the shipped profile) rejected the orientation as « vide alors qu'elle est
    /// obligatoire ». Now ✓ is yes and ✗ no, and a symbol that means nothing (★) is rejected
    /// as not a yes/no answer, never as empty.
    func testUnTableurACochesEstLuEtUnSymboleInconnuEstSignale() throws {
        let t = try espace()
        let fichier = try jumeau(t, ["A-001": [17: "✓", 26: "✔\u{FE0F}"], "A-004": [26: "✗"], "A-007": [26: "❌"],
                                     "A-005": [17: "★"]])
        let b = try importer(t, [fichier, Suivi4Tests.partenaires])
        let p = try entree(b, .propositions)
        func valeur(_ colonne: String, _ id: String) throws -> Int {
            try t.compter("SELECT \(colonne) FROM propositions WHERE id_proposition = '\(id)'")
        }
        XCTAssertEqual(try valeur("ad_hoc_partenaires", "A-001-1"), 1, "✓ : oui (N dans l'exemple)")
        XCTAssertEqual(try valeur("evaluation_preexistante", "A-001-1"), 1, "✔️ : oui")
        XCTAssertEqual(try valeur("evaluation_preexistante", "A-004-1"), 0, "✗ : non")
        XCTAssertEqual(try valeur("evaluation_preexistante", "A-007-1"), 0, "❌ : non (O dans l'exemple)")
        // ★ : rejected as not understood, with its column, never as an empty cell.
        XCTAssertEqual(try t.compter("SELECT count(*) FROM propositions WHERE id_proposition = 'A-005-1'"), 0)
        XCTAssertNil(p.motifs["valeur_manquante"].flatMap { $0 > 1 ? $0 : nil }, "\(p.motifs)")
        let etoile = try XCTUnwrap(p.exemples.first { $0.identifiant == "A-005-1" }, "\(p.exemples.map(\.message))")
        XCTAssertEqual(etoile.regle, .booleenInvalide, etoile.message)
        XCTAssertEqual(etoile.colonneSource, "Montage partenarial 1")
        XCTAssertTrue(etoile.message.contains("n'est pas une réponse oui/non") && etoile.message.contains("✓/✗"), etoile.message)
        XCTAssertFalse(etoile.message.contains("est vide"), etoile.message)
    }

    /// A symbol alone in an enumerated column was read as empty too (an optional column lost
    /// its value silently): it is now a value not understood.
    func testUnSymboleSeulDansUneEnumerationNEstPasVide() throws {
        let t = try EspaceDeTest(territoires: ["Arrageois"])
        let url = try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, [
            CSV.sollicitation("S1", canal: "★"), CSV.sollicitation("S2", canal: "-"), CSV.sollicitation("S3", rapt: "✓"),
        ]))
        let b = try t.importer([url])
        let s = try XCTUnwrap(b.fichiers.first)
        XCTAssertEqual([s.lues, s.importees, s.rejetees], [3, 2, 1])
        XCTAssertEqual(s.exemples.first?.identifiant, "S1")
        XCTAssertEqual(s.exemples.first?.regle, .valeurInconnue)
        XCTAssertEqual(try t.compter("SELECT orientation_rapt FROM sollicitations WHERE id_sollicitation = 'S3'"), 1)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations WHERE id_sollicitation = 'S2' AND canal IS NULL"), 1)
    }
}

// MARK: - F7: ISO-8859-15

extension Suivi4Tests {
    /// A text in ISO-8859-15 (a character it lacks, such as the title's dash, becomes « - »).
    static func iso885915(_ texte: String) -> Data {
        let propres: [Unicode.Scalar: UInt8] = ["€": 0xA4, "Š": 0xA6, "š": 0xA8, "Ž": 0xB4, "ž": 0xB8, "Œ": 0xBC, "œ": 0xBD, "Ÿ": 0xBE]
        let remplaces: Set<UInt32> = [0xA4, 0xA6, 0xA8, 0xB4, 0xB8, 0xBC, 0xBD, 0xBE]
        return Data(texte.unicodeScalars.map { s -> UInt8 in
            if let b = propres[s] { return b }
            if s.value < 0x80 || (s.value >= 0xA0 && s.value <= 0xFF && !remplaces.contains(s.value)) { return UInt8(s.value) }
            return UInt8(ascii: "-")
        })
    }

    func testLesOctetsDunCSVISO885915SontReconnus() throws {
        XCTAssertEqual(LecteurCSV.semblableISO885915(Suivi4Tests.iso885915("Code;Structure;Membre cœur")), .iso885915)
        XCTAssertEqual(LecteurCSV.semblableISO885915(Suivi4Tests.iso885915("Œuvre;manœuvre")), .iso885915)
        XCTAssertEqual(LecteurCSV.semblableISO885915(Suivi4Tests.iso885915("Cœur d'Ostrevent")), .iso885915)
        // Windows-1252: œ and ’ are 0x9C and 0x92, which ISO-8859-15 never holds.
        XCTAssertEqual(LecteurCSV.semblableISO885915(Array("Membre cœur;Côte d’Opale".data(using: .windowsCP1252)!)), .windows1252)
        // A half or an acute accent typed for an apostrophe: not ISO-8859-15.
        XCTAssertEqual(LecteurCSV.semblableISO885915(Array("1½ jour;½ journée;l´aidant;Réf.".data(using: .windowsCP1252)!)), .indecis)
        // At a word's start (« ½h », « ¼h » in a note): Windows-1252 (regression review L2).
        XCTAssertEqual(LecteurCSV.semblableISO885915(Array("rappel dans ½h;¼h plus tard;l´aidant".data(using: .windowsCP1252)!)), .indecis)
        // Œ starting a word, alone (second regression review N3).
        XCTAssertEqual(LecteurCSV.semblableISO885915(Suivi4Tests.iso885915("A7;Œuvre Falret;association")), .iso885915)
        // UTF-8 never matches (ü is C3 BC, before an n).
        XCTAssertNotEqual(LecteurCSV.semblableISO885915(Array("Münster;Kœnig".utf8)), .iso885915)
        XCTAssertEqual(LecteurCSV.semblableISO885915(Array("Réf. personne;Âge".data(using: .isoLatin1)!)), .indecis)
        XCTAssertFalse(LecteurCSV.semblableMacRoman(Suivi4Tests.iso885915("Réf. personne;Décision 1;Membre cœur")))
        // The hand table against Foundation's own ISO-8859-15 (CoreFoundation's constant).
        let foundation = String.Encoding(rawValue: CFStringConvertEncodingToNSStringEncoding(CFStringEncoding(0x020F)))
        for b in [UInt8](0x20...0x7E) + [UInt8](0xA0...0xFF) {
            XCTAssertEqual(LecteurCSV.decoderISO885915([b]), String(data: Data([b]), encoding: foundation), "0x\(String(b, radix: 16))")
        }
        XCTAssertNil(LecteurCSV.decoderISO885915([0x63, 0x9C, 0x75]), "0x80–0x9F : pas de l'ISO-8859-15")
    }

    /// Review 4 (F7): the example tracker saved by LibreOffice in ISO-8859-15 stored its calls
    /// under « C½ur d'Ostrevent », and its partners file was refused for lacking « Membre cœur »
    /// (« la plus proche : Membre c½ur »). Both are now read as ISO-8859-15, and the summary says
    /// so.
    func testUnCSVEnISO885915EstLuCommeTel() throws {
        let t = try espace()
        let fichier = try jumeau(t, ["A-001": [12: "Cœur d'Ostrevent"], "A-004": [12: "Cœur d'Ostrevent"]], encodage: Suivi4Tests.iso885915)
        let source = try String(contentsOf: Suivi4Tests.partenaires, encoding: .windowsCP1252)
        let partenaires = try t.ecrire("partenaires-c360.csv", octets: Array(Suivi4Tests.iso885915(source)))
        let b = try importer(t, [fichier, partenaires])
        let s = try entree(b, .sollicitations), a = try entree(b, .acteurs)
        XCTAssertTrue(s.format.contains("ISO-8859-15"), s.format)
        XCTAssertTrue(a.format.contains("ISO-8859-15"), a.format)
        XCTAssertNil(a.erreur, "\(a.erreur.map { "\($0)" } ?? "")")
        XCTAssertEqual([a.lues, a.importees], [4, 4])
        XCTAssertEqual([s.lues, s.importees, s.rejetees], [14, 12, 2], "les mêmes lignes que le CSV d'origine")
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations WHERE territoire = 'Cœur d''Ostrevent'"), 2)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations WHERE territoire LIKE '%½%'"), 0)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations WHERE territoire = 'Montreuillois'"), 2, "les accents hors œ inchangés")
    }

    /// A large file whose first œ comes after the first buffer: read as Windows-1252 until then,
    /// as ISO-8859-15 from that record on; a Windows-1252 file (a ’ at 0x92 earlier) stays so.
    func testUnCoeurLoinDansLeFichierBasculeEnISO885915() throws {
        let t = try EspaceDeTest()
        var iso: [UInt8] = Array("id_sollicitation;territoire\n".utf8)
        for i in 0..<40 { iso += Array("S\(i);Arras ".utf8) + [0xE9] + Array("t\n".utf8) }
        iso += Array("S40;C".utf8) + [0xBD] + Array("ur d'Ostrevent\n".utf8)
        let lecteur = try LecteurCSV(url: try t.ecrire("iso.csv", octets: iso), tailleTampon: 64)
        var valeurs: [String] = []
        while let r = try lecteur.suivant() { valeurs.append(r.champs[1]); XCTAssertNil(r.anomalie) }
        XCTAssertEqual(valeurs.first, "Arras ét")
        XCTAssertEqual(valeurs.last, "Cœur d'Ostrevent")

        var cp1252 = iso
        cp1252.insert(0x92, at: 40)  // a ’ in the first rows
        let lecteur1252 = try LecteurCSV(url: try t.ecrire("cp1252.csv", octets: cp1252), tailleTampon: 64)
        var dernier: String?
        while let r = try lecteur1252.suivant() { dernier = r.champs[1] }
        XCTAssertEqual(dernier, "C½ur d'Ostrevent", "un fichier Windows-1252 le reste")
        XCTAssertEqual(lecteur1252.encodage, .windows1252)
    }
}

// MARK: - F9: several values in one cell

extension Suivi4Tests {
    func message(_ t: EspaceDeTest, ligne: Int, colonne: String) throws -> String? {
        try t.base().file.read { db in
            try String.fetchOne(db, sql: "SELECT message FROM rejets WHERE ligne = ? AND colonne = ?", arguments: [ligne, colonne])
        }
    }

    func testUneRegleDecoupeSurLesSeparateursUsuelsQuandToutSeTraduit() throws {
        let profil = try ProfilCorrespondance.charger(SuiviTests.profil)
        let regle = try XCTUnwrap(profil.sources.first?.tables.first?.regles["problematiques"])
        XCTAssertEqual(regle.separateur, "/")
        let a = regle.decoupage("Logement, Emploi")
        XCTAssertEqual(a.elements, ["Logement", "Emploi"])
        XCTAssertEqual(a.autresSeparateurs, [","])
        XCTAssertEqual(a.nonTraduits, [])
        let b = regle.decoupage("Scolarité\nLoisirs / Répit + Transport")
        XCTAssertEqual(b.elements, ["Scolarité", "Loisirs", "Répit", "Transport"])
        XCTAssertEqual(b.autresSeparateurs, ["retour à la ligne", "+"])
        // The profile's own separator: nothing else met.
        XCTAssertEqual(regle.decoupage("Logement / Emploi").autresSeparateurs, [])
        // A piece unknown: the element is kept whole, the unknown piece named.
        let c = regle.decoupage("Formation, Voisinage")
        XCTAssertEqual(c.elements, ["Formation, Voisinage"])
        XCTAssertEqual(c.nonTraduits, ["Voisinage"])
        XCTAssertEqual(regle.decoupage("Voisinage").nonTraduits, ["Voisinage"])
    }

    /// Review 4 (F9): « Logement, Emploi », « Scolarité⏎Loisirs » or « Répit + Transport » in
    /// « Motif(s) » (the profile splits on « / ») rejected the whole call and its orientations,
    /// with « ajoutez-la à la rubrique valeurs » although every piece is there. Such a cell is
    /// now read as its values (split on the usual separators when every piece translates); a
    /// cell with one unknown piece is still rejected, naming that piece (masked), not the
    /// whole cell.
    func testPlusieursMotifsSeparesAutrementSontLus() throws {
        let t = try espace()
        let fichier = try jumeau(t, ["A-001": [8: "\"Scolarité\nLoisirs\""], "A-005": [8: "Répit + Transport"],
                                     "A-009": [8: "Logement, Emploi"], "A-014": [8: "Formation, Voisinage"]])
        let b = try importer(t, [fichier, Suivi4Tests.partenaires])
        XCTAssertEqual(try entree(b, .sollicitations).lues, 14, "le retour à la ligne entre guillemets reste dans sa ligne")
        for (id, ligne) in [("A-001", 5), ("A-005", 9), ("A-009", 13)] {
            XCTAssertNil(try message(t, ligne: ligne, colonne: "problematiques"), "ligne \(ligne)")
            XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitation_problematiques WHERE id_sollicitation = '\(id)'"), 2, id)
        }
        let inconnue = try XCTUnwrap(try message(t, ligne: 19, colonne: "problematiques"))
        XCTAssertTrue(inconnue.contains("la valeur « Vo••••••• » n'a pas de traduction")
                      && inconnue.contains("ajoutez-la à la rubrique « valeurs » de « problematiques »"), inconnue)
        XCTAssertFalse(inconnue.contains("Fo••"), "pas la cellule entière : \(inconnue)")
    }
}

// MARK: - F6: password-protected workbooks

extension Suivi4Tests {
    /// An OLE container (the magic of an `.xls`) whose directory, at sector `secteurRepertoire`
    /// (512-byte sectors), names `flux` in UTF-16LE, as Excel writes them.
    static func conteneurOLE(flux: [String], secteurRepertoire: Int) -> [UInt8] {
        var octets = [UInt8](repeating: 0, count: (secteurRepertoire + 2) * 512)
        octets.replaceSubrange(0..<8, with: [0xD0, 0xCF, 0x11, 0xE0, 0xA1, 0xB1, 0x1A, 0xE1])
        octets[0x1A] = 0x3E; octets[0x1C] = 0xFE; octets[0x1D] = 0xFF; octets[0x1E] = 9; octets[0x20] = 6
        for k in 0..<4 { octets[0x30 + k] = UInt8((secteurRepertoire >> (8 * k)) & 0xFF) }
        var position = (secteurRepertoire + 1) * 512
        for nom in ["Root Entry"] + flux {
            let utf16 = Array(nom.utf16.flatMap { [UInt8($0 & 0xFF), UInt8($0 >> 8)] })
            octets.replaceSubrange(position..<(position + utf16.count), with: utf16)
            position += 128
        }
        return octets
    }

    /// Review 4 (F6): a workbook protected by a password to open was called « un classeur
    /// Excel 97-2003 (.xls) », with advice that cannot work (re-saving as .xlsx keeps the
    /// password). It now says it is password-protected and how to save a copy without it; a
    /// real `.xls` keeps its message. The directory is found at the start of the file or where
    /// the header says (a large file).
    func testUnClasseurProtegeParMotDePasseEstNommeTel() throws {
        let t = try EspaceDeTest()
        let chiffre = try t.ecrire("suivi-appels-motdepasse.xlsx", octets: Suivi4Tests.conteneurOLE(
            flux: ["\u{6}DataSpaces", "EncryptionInfo", "EncryptedPackage"], secteurRepertoire: 1))
        let loin = try t.ecrire("suivi-loin.xlsx", octets: Suivi4Tests.conteneurOLE(flux: ["EncryptedPackage"], secteurRepertoire: 300))
        let csv = try t.ecrire("suivi-motdepasse.csv", octets: Suivi4Tests.conteneurOLE(flux: ["EncryptedPackage"], secteurRepertoire: 1))
        let xls = try t.ecrire("ancien.xlsx", octets: Suivi4Tests.conteneurOLE(flux: ["Workbook", "\u{5}SummaryInformation"], secteurRepertoire: 1))
        for url in [chiffre, loin, csv] {
            let b = try t.importer([url])
            let e = try XCTUnwrap(b.fichiers.first?.erreur, url.lastPathComponent)
            XCTAssertTrue(e.raison.contains("protégé par un mot de passe à l'ouverture"), e.raison)
            XCTAssertFalse(e.raison.contains("97-2003"), e.raison)
            XCTAssertTrue(e.conseil.contains("Fichier > Informations > Protéger le classeur > Chiffrer avec mot de passe")
                          && e.conseil.contains("effacez le mot de passe"), e.conseil)
            XCTAssertEqual(b.code, .donneesIllisibles)
        }
        let e = try XCTUnwrap(try t.importer([xls]).fichiers.first?.erreur)
        XCTAssertTrue(e.raison.contains("Excel 97-2003 (.xls)"), e.raison)
        XCTAssertFalse(e.raison.contains("mot de passe"), e.raison)
    }
}

// MARK: - L7, L3: a month without its day, an ETP in percent

extension Suivi4Tests {
    func testUnMoisSansJourLeDitEtUnETPEnPourcentEstLu() throws {
        for s in ["février 2025", "févr. 2025", "FEVRIER 2025", "02/2025", "2-2025", "sept 2025"] { XCTAssertTrue(Valeurs.moisSansJour(s), s) }
        for s in ["3 février 2025", "jui 2025", "13/2025", "2025", "février", "Arras 2025"] { XCTAssertFalse(Valeurs.moisSansJour(s), s) }
        func etp(_ s: String) -> Double? { if case .valeur(let x) = Valeurs.etp(s) { return x } else { return nil } }
        XCTAssertEqual(etp("50%"), 0.5)
        XCTAssertEqual(etp("80 %"), 0.8)
        XCTAssertEqual(etp("80\u{202F}%"), 0.8)
        XCTAssertEqual(etp("100 %"), 1)
        XCTAssertEqual(etp("0,5"), 0.5)
        XCTAssertNil(etp("%"))
        XCTAssertNil(etp("mi-temps"))

        let t = try EspaceDeTest(territoires: ["Arrageois"])
        let s = try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, [CSV.sollicitation("S1", date: "février 2025")]))
        let e = try t.ecrire("equipe.csv", CSV.fichier("poste_id;fonction;etp;recherche_solutions;date_debut;date_fin", [
            "P1;coordinateur;100%;oui;2024-01-01;", "P2;conseiller_parcours;50 %;oui;2024-01-01;", "P3;autre;mi-temps;non;2024-01-01;",
        ]))
        let b = try t.importer([s, e])
        let date = try XCTUnwrap(b.fichiers.first { $0.table == .sollicitations }?.exemples.first)
        XCTAssertTrue(date.message.contains("Il manque le jour"), date.message)
        let equipe = try XCTUnwrap(b.fichiers.first { $0.table == .equipe })
        XCTAssertEqual([equipe.importees, equipe.rejetees], [2, 1])
        XCTAssertEqual(try t.compter("SELECT count(*) FROM equipe WHERE (poste_id = 'P1' AND etp = 1) OR (poste_id = 'P2' AND etp = 0.5)"), 2)
        let texte = try XCTUnwrap(equipe.exemples.first).message
        XCTAssertTrue(texte.contains("0,5 pour un mi-temps"), texte)
    }
}
