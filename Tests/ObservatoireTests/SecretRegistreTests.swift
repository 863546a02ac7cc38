import Foundation
import GRDB
import XCTest
@testable import ObservatoireCore
@testable import ObservatoireIndicateurs
@testable import ObservatoireRapports
@testable import ObservatoireStore

/// External documents published at different times are protected after one another, through
/// the registry of publications (`RegistreDesPublications`). Protected each on its own, the
/// second review of the year's package recovered three small territory months (2, 4, 2) from
/// September's dashboard and the annual report: the dashboard printed a territory's total from
/// January to September, the report its year and its months of October and November.
final class SecretRegistreTests: XCTestCase {
    var espaces: [EspaceDeTest] = []

    /// The documents of a year as a COTER member receives them: `mois` dashboards (each at the
    /// end of its month), then the annual report. Each pair: (externe, interne).
    func publier(_ t: EspaceDeTest, tableauxDeBord mois: [Int], oublier: Bool = false, rapport: Bool = true) throws -> (externe: [TableDiffusee], interne: [TableDiffusee]) {
        let base = try t.base()
        var externe: [TableDiffusee] = [], interne: [TableDiffusee] = []
        for m in mois {
            let fin = Jour(annee: 2025, mois: m, jour: 1)!.finDuMois
            externe += SecretDecisionsTests.tablesDuTableauDeBord(try Preparation.tableauDeBord(espace: t.espace, base: base, jusqua: fin, diffusion: .externe))
            interne += SecretDecisionsTests.tablesDuTableauDeBord(try Preparation.tableauDeBord(espace: t.espace, base: base, jusqua: fin, diffusion: .interne))
        }
        if oublier { try base.file.write { db in try db.execute(sql: "DELETE FROM chiffres_publies") } }
        guard rapport else { return (externe, interne) }
        let modeles = Modeles(espace: t.espace)
        externe += SecretFuitesTests.tablesDuRapport(try Preparation.rapport(espace: t.espace, base: base, annee: 2025, diffusion: .externe, modeles: modeles))
        interne += SecretFuitesTests.tablesDuRapport(try Preparation.rapport(espace: t.espace, base: base, annee: 2025, diffusion: .interne, modeles: modeles))
        return (externe, interne)
    }

    func recuperees(_ d: (externe: [TableDiffusee], interne: [TableDiffusee]), _ moteur: Moteur) throws -> [String] {
        var a = try Attaquant.ayantLu(d.externe, d.interne, moteur: moteur, complements: true)
        return a.recuperer().map(\.description)
    }

    /// The small counts an attacker recovers (1 to the threshold − 1): a recovered secondary
    /// suppression (a count of 16 masked to protect another) gives nothing away by itself.
    func petits(_ recuperees: [String]) -> [String] {
        recuperees.filter { r in Int(r.split(separator: " ").last ?? "").map { $0 >= 1 && $0 < 5 } ?? false }
    }

    /// September's dashboard, then the annual report: with the registry, the report is
    /// protected after the dashboard and nothing small can be recovered from both; the
    /// registry holds what each printed, and the report's methodology says how many counts it
    /// took as known.
    func testLeRapportEstProtegeApresLeTableauDeBordDeSeptembre() throws {
        for (n, graine) in [(600, 3), (160, 7)] as [(Int, UInt64)] {
            let (t, moteur) = try SecretDiffusionTests.jeu(n, graine: graine)
            espaces.append(t)
            let documents = try publier(t, tableauxDeBord: [9])
            XCTAssertEqual(petits(try recuperees(documents, moteur)), [], "\(n) demandes, graine \(graine)")
            let base = try t.base()
            XCTAssertGreaterThan(try base.file.read { try RegistreDesPublications.nombre($0) }, 100)
            let rapport = try Preparation.rapport(espace: t.espace, base: base, annee: 2025, diffusion: .externe, modeles: Modeles(espace: t.espace))
            XCTAssertGreaterThan(try XCTUnwrap(rapport.tableau.protection).dejaPublies, 0)
        }
    }

    /// The registry review (H1): a C360 whose first call is in March; its March dashboard shows
    /// six territories « moins de 5 » since January, its November dashboard « pas de données »
    /// for January and February (0) and 6 for March: six counts of at least 1 adding up to 6.
    /// The registry kept only the figures shown, and « pas de données » was no 0 to the audit.
    /// Now the « moins de 5 » and « masqué » of earlier documents are registered too, and the
    /// zeros of « pas de données » are published zeros.
    func testDeuxTableauxDeBordDUneC360QuiCommenceEnMars() throws {
        let (t, moteur) = try SecretDiffusionTests.jeu(80, graine: 11, du: Jour(annee: 2025, mois: 3, jour: 10)!)
        espaces.append(t)
        let documents = try publier(t, tableauxDeBord: [3, 11], rapport: false)
        XCTAssertEqual(petits(try recuperees(documents, moteur)), [])
        let enregistres = try t.base().file.read { try String.fetchAll($0, sql: "SELECT DISTINCT etat FROM chiffres_publies ORDER BY 1") }
        XCTAssertEqual(enregistres, ["petit", "publie", "secret"])
    }

    /// The registry review (H2): March's dashboard, the annual report, then May's: the
    /// report's « masqué » is at least 5 to a reader, and an older month made after a newer
    /// document must not give away what their differences leave (April = 6 − May ≥ 5).
    func testUnMoisAncienFaitApresLeRapport() throws {
        let (t, moteur) = try SecretDiffusionTests.jeu(300, graine: 2)
        espaces.append(t)
        var documents = try publier(t, tableauxDeBord: [3])
        let mai = try publier(t, tableauxDeBord: [5], rapport: false)
        documents.externe += mai.externe
        documents.interne += mai.interne
        XCTAssertEqual(petits(try recuperees(documents, moteur)), [])
    }

    /// What the registry prevents: the same documents, the registry emptied before the report
    /// (each protected on its own, as before), give small counts away.
    func testSansLeRegistreIlsSeTrahissent() throws {
        let (t, moteur) = try SecretDiffusionTests.jeu(600, graine: 3)
        espaces.append(t)
        XCTAssertNotEqual(petits(try recuperees(try publier(t, tableauxDeBord: [9], oublier: true), moteur)), [])
    }

    /// A document made again from the same data prints the same figures (the counts it showed
    /// the first time are known, the ones it masked are not) and adds nothing to the registry.
    func testUnDocumentRefaitEstIdentique() throws {
        let (t, _) = try SecretDiffusionTests.jeu(160, graine: 7)
        espaces.append(t)
        let base = try t.base()
        let modeles = Modeles(espace: t.espace)
        _ = try publier(t, tableauxDeBord: [6])
        let premier = SecretFuitesTests.tablesDuRapport(try Preparation.rapport(espace: t.espace, base: base, annee: 2025, diffusion: .externe, modeles: modeles))
        let inscrits = try base.file.read { try RegistreDesPublications.nombre($0) }
        let second = SecretFuitesTests.tablesDuRapport(try Preparation.rapport(espace: t.espace, base: base, annee: 2025, diffusion: .externe, modeles: modeles))
        XCTAssertEqual(second.map(\.valeurs), premier.map(\.valeurs))
        XCTAssertEqual(try base.file.read { try RegistreDesPublications.nombre($0) }, inscrits)
    }

    /// A count published before and revised since (late data) is not known any more: the
    /// reader does not know what changed. The same count with its value still true is.
    func testUnChiffreReviseNEstPlusConnu() throws {
        let (t, moteur) = try SecretDiffusionTests.jeu(160, graine: 7)
        espaces.append(t)
        let annee = try moteur.calculerPlusieurs([(Periode.annee(2025), nil, ["1.1"])])[0]
        let n = try XCTUnwrap(annee.first?.valeur.map { Int($0) })
        let tables = [TableDiffusee(periode: .annee(2025), territoire: nil, valeurs: annee)]
        func connus(_ valeur: Int) throws -> Int {
            let chiffre = ChiffrePublie(indicateur: "1.1", champ: "valeur", debut: Jour(annee: 2025, mois: 1, jour: 1)!,
                                        fin: Jour(annee: 2025, mois: 12, jour: 31)!, territoire: "", valeur: valeur)
            return try ProtectionDiffusion.protegerApres(tables, connus: [chiffre], tables, territoires: try moteur.tousLesTerritoiresConnus(),
                                                         seuil: 5).bilan.dejaPublies
        }
        XCTAssertEqual(try connus(n), 1)
        XCTAssertEqual(try connus(n + 1), 0)
    }

    /// A dashboard prints the propositions of a month (1.5) and the decided ones (1.6's base),
    /// not the pending ones: 12 − 10 still tells that 2 wait for a decision. That count is
    /// protected like a printed one (before, the dashboard printed both).
    func testLesDecisionsEnAttenteDUnTableauDeBordSontProtegees() throws {
        let t = try EspaceDeTest()
        espaces.append(t)
        var sollicitations: [String] = [], propositions: [String] = []
        for i in 0..<12 {
            sollicitations.append(CSV.sollicitation("S\(i)", date: "2025-03-03", personne: "P\(i)"))
            propositions.append(CSV.proposition("PR\(i)", "S\(i)", date: "2025-03-20", decision: i < 2 ? "en_attente" : (i < 7 ? "acceptee" : "refusee")))
        }
        _ = try t.importer([try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, sollicitations)),
                            try t.ecrire("propositions.csv", CSV.fichier(CSV.entetePropositions, propositions))])
        let b = try Preparation.tableauDeBord(espace: t.espace, base: try t.base(), jusqua: Jour(annee: 2025, mois: 3, jour: 31)!, diffusion: .externe)
        let mars = try XCTUnwrap(b.parMois.last)
        let proposees = try XCTUnwrap(mars.first { $0.code == "1.5" }), acceptees = try XCTUnwrap(mars.first { $0.code == "1.6" })
        XCTAssertTrue(proposees.valeur == nil || acceptees.denominateur == nil,
                      "12 propositions et 10 décidées : 2 en attente se lisent")
        XCTAssertTrue(mars.allSatisfy { v in v.statistiques.allSatisfy { s in s.nom == v.indicateur.comptes.effectif } },
                      "le tableau de bord n'imprime aucune statistique")
    }
}
