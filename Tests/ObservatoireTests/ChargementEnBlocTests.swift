import Foundation
import GRDB
import XCTest
@testable import ObservatoireCore
@testable import ObservatoireImport
@testable import ObservatoireStore

/// The bulk load (a file that feeds one empty table: staging table, sorted copy, indexes built
/// at the end) stores exactly what the ordinary path stores, whatever the order of the rows.
final class ChargementEnBlocTests: XCTestCase {
    static let territoires = ["Arrageois", "Boulonnais", "Audomarois", "Lensois"]

    /// 300 requests over a year and four territories, in a scrambled order, with duplicates
    /// near and far (the first row of an identifier is kept, with its values), problem types
    /// listed twice, and one invalid row.
    static func sollicitations() -> [String] {
        var lignes: [String] = []
        for k in 0..<300 {
            let n = (k * 7919 + 13) % 300
            let mois = 1 + n % 12, jour = 1 + n % 28
            lignes.append(CSV.sollicitation("S\(n)", date: String(format: "2025-%02d-%02d", mois, jour), personne: "P\(n % 97)",
                                            problematiques: n % 5 == 0 ? "logement_habitat|emploi|logement_habitat" : "logement_habitat",
                                            territoire: territoires[n % 4]))
        }
        lignes.insert(CSV.sollicitation("S17", date: "2025-02-02", territoire: "Lensois"), at: 200)   // far after the first S17
        lignes.insert(CSV.sollicitation(lignes[5].components(separatedBy: ";")[0], date: "2025-12-01"), at: 6)   // next to its first
        lignes.insert(CSV.sollicitation("S999", date: "pas une date"), at: 100)
        lignes.append(CSV.sollicitation("S17", date: "2025-03-03"))   // a third S17, last
        return lignes
    }

    static func propositions() -> [String] {
        var lignes: [String] = []
        for k in 0..<200 {
            let n = (k * 31 + 7) % 200
            lignes.append(CSV.proposition("PR\(n)", "S\(n % 300)", date: "2025-12-30", decision: n % 3 == 0 ? "refusee" : "acceptee"))
        }
        lignes.insert(CSV.proposition("PR3", "S3", date: "2025-12-31"), at: 150)
        lignes.append(CSV.proposition("PR500", "S404"))
        return lignes
    }

    /// What a load stored: rows (without the pseudonym, whose key is the workspace's, and the
    /// bookkeeping columns) and rejects.
    func contenu(_ t: EspaceDeTest) throws -> String {
        try t.base().file.read { db in
            let s = try Row.fetchAll(db, sql: """
                SELECT id_sollicitation, date_sollicitation, profil, type_demande, territoire, departement, canal, date_cloture
                FROM sollicitations WHERE id_sollicitation <> 'S-AVANT' ORDER BY id_sollicitation
                """)
            let p = try Row.fetchAll(db, sql: """
                SELECT id_proposition, id_sollicitation, territoire, date_sollicitation, date_proposition, decision
                FROM propositions WHERE id_proposition <> 'PR-AVANT' ORDER BY id_proposition
                """)
            let pb = try Row.fetchAll(db, sql: "SELECT * FROM sollicitation_problematiques WHERE id_sollicitation <> 'S-AVANT' ORDER BY 1, 2")
            let r = try Row.fetchAll(db, sql: "SELECT fichier, ligne, colonne, regle, identifiant FROM rejets ORDER BY fichier, ligne")
            return [s, p, pb, r].map { $0.map(\.description).joined(separator: "\n") }.joined(separator: "\n--\n")
        }
    }

    func testLeChargementEnBlocStockeCeQueStockeLeCheminOrdinaire() throws {
        let enBloc = try EspaceDeTest(territoires: ChargementEnBlocTests.territoires)
        let fs = try enBloc.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, ChargementEnBlocTests.sollicitations()))
        let fp = try enBloc.ecrire("propositions.csv", CSV.fichier(CSV.entetePropositions, ChargementEnBlocTests.propositions()))
        let b1 = try enBloc.importer([fs, fp])

        // The same files into tables that already hold a row: the ordinary path (upserts).
        let ordinaire = try EspaceDeTest(territoires: ChargementEnBlocTests.territoires)
        let avant = try ordinaire.ecrire("avant-sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, [CSV.sollicitation("S-AVANT")]))
        let avantP = try ordinaire.ecrire("avant-propositions.csv", CSV.fichier(CSV.entetePropositions, [CSV.proposition("PR-AVANT", "S-AVANT")]))
        _ = try ordinaire.importer([avant, avantP])
        let gs = try ordinaire.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, ChargementEnBlocTests.sollicitations()))
        let gp = try ordinaire.ecrire("propositions.csv", CSV.fichier(CSV.entetePropositions, ChargementEnBlocTests.propositions()))
        let b2 = try ordinaire.importer([gs, gp])

        XCTAssertEqual(b1.fichiers.map(\.chargementEnBloc), [true, true])
        XCTAssertEqual(b2.fichiers.map(\.chargementEnBloc), [false, false])
        let s1 = try XCTUnwrap(b1.fichiers.first { $0.table == .sollicitations })
        XCTAssertEqual(s1.lues, 304)
        XCTAssertEqual(s1.importees, 300)
        XCTAssertEqual(s1.motifs, ["doublon": 3, "date_invalide": 1])
        let p1 = try XCTUnwrap(b1.fichiers.first { $0.table == .propositions })
        XCTAssertEqual(p1.importees, 200)
        XCTAssertEqual(p1.motifs, ["doublon": 1, "reference_inconnue": 1])
        for (a, b) in zip(b1.fichiers, b2.fichiers.filter { !$0.fichier.hasPrefix("avant") }) {
            XCTAssertEqual([a.lues, a.importees, a.rejetees], [b.lues, b.importees, b.rejetees], a.fichier)
            XCTAssertEqual(a.motifs, b.motifs, a.fichier)
        }
        XCTAssertEqual(try contenu(enBloc), try contenu(ordinaire))
        // The first S17 is kept with its values; the later ones are duplicates with their lines.
        XCTAssertEqual(try enBloc.compter("SELECT count(*) FROM sollicitations WHERE id_sollicitation = 'S17' AND territoire = 'Boulonnais'"), 1)
        XCTAssertEqual(try enBloc.compter("SELECT count(*) FROM rejets WHERE regle = 'doublon' AND identifiant = 'S17'"), 2)
        // Problem types listed twice are stored once; the propositions carry their request's key.
        XCTAssertEqual(try enBloc.compter("SELECT count(*) FROM sollicitation_problematiques"), 300 + 60)
        XCTAssertEqual(try enBloc.compter("""
            SELECT count(*) FROM propositions p JOIN sollicitations s USING (id_sollicitation)
            WHERE p.territoire = s.territoire AND p.date_sollicitation = s.date_sollicitation
            """), 200)
    }

    /// The indexes dropped for the load are built again, with their definitions; a second file
    /// into the same tables takes the ordinary path.
    func testLesIndexSontReconstruits() throws {
        let t = try EspaceDeTest(territoires: ChargementEnBlocTests.territoires)
        func index() throws -> [String] {
            try t.base().file.read { db in
                try String.fetchAll(db, sql: "SELECT sql FROM sqlite_master WHERE type = 'index' AND tbl_name IN ('sollicitations', 'propositions') ORDER BY name")
            }
        }
        let avant = try index()
        XCTAssertEqual(avant.count, 4)
        let fs = try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, ChargementEnBlocTests.sollicitations()))
        let fp = try t.ecrire("propositions.csv", CSV.fichier(CSV.entetePropositions, ChargementEnBlocTests.propositions()))
        _ = try t.importer([fs, fp])
        XCTAssertEqual(try index(), avant)
        let plan = try t.base().file.read { db in
            try Row.fetchAll(db, sql: "EXPLAIN QUERY PLAN SELECT * FROM sollicitations WHERE id_sollicitation = 'S1'").map { $0["detail"] as String }
        }
        XCTAssertTrue(plan.joined().contains("sollicitations_identifiant"), "\(plan)")
        let controle = try t.base().file.read { db in try String.fetchAll(db, sql: "PRAGMA integrity_check") }
        XCTAssertEqual(controle, ["ok"])
        // A later month: same identifiers updated, a new one added (upserts through the index).
        let mois = try t.ecrire("sollicitations-2026-01.csv", CSV.fichier(CSV.enteteSollicitations, [
            CSV.sollicitation("S1", date: "2025-06-01", territoire: "Lensois"), CSV.sollicitation("S-NOUVELLE", date: "2026-01-05"),
        ]))
        let b = try t.importer([mois])
        XCTAssertEqual(b.fichiers[0].importees, 2)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 301)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations WHERE id_sollicitation = 'S1' AND territoire = 'Lensois'"), 1)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM propositions p JOIN sollicitations s USING (id_sollicitation) WHERE p.territoire <> s.territoire"), 0,
                       "the trigger still moves the propositions with their request")
    }

    /// A file holding the same export twice: after `differeesMax` unsettled rows the bulk load
    /// ends and the rest of the file takes the ordinary path; every duplicate is still found.
    func testUnFichierEnDoubleQuitteLeChargementEnBloc() throws {
        let t = try EspaceDeTest()
        let n = Importeur.differeesMax + 500
        let lignes = (0..<n).map { CSV.sollicitation("S\($0)", date: "2025-\(String(format: "%02d", 1 + $0 % 12))-10", personne: "P\($0)") }
        let url = try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, lignes + lignes))
        let b = try t.importer([url])
        XCTAssertEqual(b.fichiers[0].lues, 2 * n)
        XCTAssertEqual(b.fichiers[0].importees, n)
        XCTAssertEqual(b.fichiers[0].motifs, ["doublon": n])
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), n)
        XCTAssertEqual(try t.compter("SELECT min(ligne) FROM rejets"), n + 2)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sqlite_master WHERE name = 'sollicitations_identifiant'"), 1)
    }

    /// A snapshot into empty tables goes through the bulk load: every row is « ajoutée »; the
    /// same snapshot again changes nothing; an error in a later file rolls the load back with
    /// its indexes.
    func testInstantaneEtAnnulation() throws {
        let t = try EspaceDeTest(territoires: ChargementEnBlocTests.territoires)
        let fs = try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, ChargementEnBlocTests.sollicitations()))
        let b = try t.importer([fs]) { $0.instantane = true }
        XCTAssertTrue(b.fichiers[0].chargementEnBloc)
        XCTAssertEqual(b.fichiers[0].ajoutees, 300)
        let b2 = try t.importer([fs]) { $0.instantane = true; $0.forcer = true }
        XCTAssertEqual(b2.fichiers[0].inchangees, 300)
        XCTAssertEqual(b2.fichiers[0].ajoutees, 0)

        let u = try EspaceDeTest(territoires: ChargementEnBlocTests.territoires)
        let gs = try u.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, ChargementEnBlocTests.sollicitations()))
        let vide = try u.instantane()
        XCTAssertThrowsError(try u.importer([gs]) { $0.apresChaqueLigne = { n in if n == 250 { throw CancellationError() } } })
        XCTAssertEqual(try u.instantane(), vide)
        XCTAssertEqual(try u.compter("SELECT count(*) FROM sqlite_master WHERE type = 'index' AND tbl_name = 'sollicitations'"), 2)
    }

    /// The staging tables stay in the connection's temporary database after a load (dropping
    /// them walked every page; the import deletes the temporary database at its end): a
    /// second bulk load of the same table in the same connection,
    /// after the table was emptied, replaces them and stores only its own rows.
    func testDeuxChargementsEnBlocSurUneMemeConnexion() throws {
        let t = try EspaceDeTest(territoires: ChargementEnBlocTests.territoires)
        // As the import does: references checked by the validation, not by SQLite.
        try t.base().file.writeWithoutTransaction { db in
            try db.execute(sql: "PRAGMA foreign_keys = OFF")
            defer { try? db.execute(sql: "PRAGMA foreign_keys = ON") }
            try db.inTransaction { try charger(db); return .commit }
        }
        func charger(_ db: Database) throws {
            let e = Ecrivain(db)
            let source = try e.source(cle: "fichier:test")
            for (tour, n) in [(0, 50), (1, 20)] {
                let importId = try e.ouvrirImport(execution: "tour-\(tour)", fichier: "sollicitations.csv", table: .sollicitations,
                                                  profil: nil, source: source, instantane: false)
                XCTAssertTrue(try e.commencerEnBloc(.sollicitations), "tour \(tour)")
                for k in 0..<n {
                    let s = Sollicitation(idSollicitation: "T\(tour)-\(k)", dateSollicitation: Jour(annee: 2025, mois: 1 + k % 12, jour: 3)!,
                                          personne: "p\(k)", profil: .aidant, typeDemande: .information, problematiques: ["emploi"],
                                          origine: nil, accompagnee: true, projetVieCoConstruit: nil,
                                          territoire: ChargementEnBlocTests.territoires[k % 4], departement: "62", canal: nil,
                                          niveauIntervention: nil, orientationRapt: nil, trancheAge: nil, dateCloture: nil)
                    XCTAssertEqual(try e.enregistrer(.sollicitation(s), importId: importId, source: source, instantane: false), .ecrite)
                }
                try e.terminerEnBloc()
                XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM sollicitations"), n)
                XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM sollicitations WHERE id_sollicitation LIKE 'T\(tour)-%'"), n)
                XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM sollicitation_problematiques"), n)
                XCTAssertEqual(try Int.fetchOne(db, sql: "SELECT count(*) FROM temp.c360_chargement_sollicitations"), n,
                               "la table d'attente reste jusqu'à la fin de l'import")
                try db.execute(sql: "DELETE FROM sollicitation_problematiques; DELETE FROM sollicitations")
                // A new file: the writer asks again whether the table is empty.
                _ = try e.ouvrirImport(execution: "vidage-\(tour)", fichier: "-", table: .sollicitations, profil: nil, source: source, instantane: false)
            }
        }
    }

    /// Every connection, reading or writing, keeps a page cache of `Base.cacheKio` and maps no
    /// pages of the file (mapped pages counted as resident memory: a report held 170 to 220 MiB),
    /// and an import, bulk load included, leaves them so.
    func testReglagesMemoireDesConnexions() throws {
        let t = try EspaceDeTest(territoires: ChargementEnBlocTests.territoires)
        func reglages(_ base: Base) throws -> [Int] {
            try base.file.read { db in
                [try Int.fetchOne(db, sql: "PRAGMA cache_size") ?? 0, try Int.fetchOne(db, sql: "PRAGMA mmap_size") ?? -1]
            }
        }
        XCTAssertEqual(Base.cacheKio, 8_192)
        let base = try t.base()
        XCTAssertEqual(try reglages(base), [-8_192, 0])
        let fs = try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, ChargementEnBlocTests.sollicitations()))
        var o = OptionsImport()
        o.aujourdhui = Jour(annee: 2026, mois: 1, jour: 15)!
        let b = try Importeur(espace: t.espace, base: base).importer([fs], options: o)
        XCTAssertTrue(b.fichiers[0].chargementEnBloc)
        XCTAssertEqual(try reglages(base), [-8_192, 0], "the importing connection after a bulk load")
        XCTAssertEqual(try reglages(Base.ouvrir(t.espace.baseDeDonnees, creer: false, lectureSeule: true)), [-8_192, 0])
    }

    /// The filter never forgets (a duplicate is always caught) and rarely cries wolf.
    func testFiltreDeBloom() {
        var f = FiltreDeBloom()
        let hachages = (0..<200_000).map { Int(bitPattern: UInt(truncatingIfNeeded: $0) &* 0x9E37_79B9_7F4A_7C15 &+ 12_345) }
        let faussesAlertes = hachages.filter { !f.inserer($0) }.count
        XCTAssertLessThan(faussesAlertes, 20, "expected about 2 for 200 000 distinct hashes")
        XCTAssertTrue(hachages.allSatisfy { !f.inserer($0) }, "every hash inserted before is reported as seen")
    }
}
