import Foundation
import XCTest
@testable import ObservatoireCore
@testable import ObservatoireIndicateurs
@testable import ObservatoireRapports
@testable import ObservatoireStore

/// Every proposition has one of the four decisions, so the propositions (1.5's value) are the
/// decided ones (1.6's denominator) plus those pending (1.6's `en_attente`). Where 1.6's
/// breakdown by decision is not printed — the territory tables of the annual report, the
/// dashboard — only the `contraintes` header of `Queries/1_6_solutions_acceptees.sql` tells
/// the audit so; without it, a masked decided count is read as propositions − pending.
final class SecretDecisionsTests: XCTestCase {
    var espaces: [EspaceDeTest] = []

    /// Artois: 9 propositions in 2025, 3 accepted and 6 pending. Decided 3 (« < 5 »), pending
    /// 6 and propositions 9 would all be shown on their own, and 9 − 6 gives the 3 away.
    /// Arrageois and Ternois have enough of everything for the C360 table.
    func espace() throws -> (EspaceDeTest, Moteur) {
        let t = try EspaceDeTest()
        espaces.append(t)
        var sollicitations: [String] = [], propositions: [String] = []
        func demande(_ id: String, _ territoire: String, decision: String) {
            sollicitations.append(CSV.sollicitation(id, date: "2025-04-07", personne: "P\(id)", territoire: territoire))
            propositions.append(CSV.proposition("PR\(id)", id, date: "2025-04-20", decision: decision))
        }
        for i in 0..<9 { demande("AR\(i)", "Artois", decision: i < 3 ? "acceptee" : "en_attente") }
        let decisions = ["acceptee", "acceptee", "refusee", "sans_suite", "en_attente"]
        for i in 0..<40 { demande("AG\(i)", "Arrageois", decision: decisions[i % 5]) }
        for i in 0..<30 { demande("TE\(i)", "Ternois", decision: decisions[(i + 1) % 5]) }
        _ = try t.importer([try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, sollicitations)),
                            try t.ecrire("propositions.csv", CSV.fichier(CSV.entetePropositions, propositions))])
        return (t, Moteur(base: try t.base(), configuration: t.espace.configuration))
    }

    /// The tables of the dashboard up to December 2025, as published.
    static func tablesDuTableauDeBord(_ b: DonneesTableauDeBord) -> [TableDiffusee] {
        zip(b.mois, b.parMois).map { TableDiffusee(periode: $0, territoire: nil, valeurs: $1) }
            + [TableDiffusee(periode: b.cumul.periode, territoire: nil, valeurs: b.cumul.indicateurs),
               TableDiffusee(periode: b.cumul.periode.anneePrecedente, territoire: nil, valeurs: b.cumul.precedent)]
            + b.territoires.map { TableDiffusee(periode: b.cumul.periode, territoire: $0.territoire, valeurs: $0.valeurs) }
    }

    func attaquer(_ externe: [TableDiffusee], _ interne: [TableDiffusee], moteur: Moteur) throws -> [String] {
        var a = try Attaquant.ayantLu(externe, interne, moteur: moteur, complements: true)
        let r = a.recuperer().map(\.description)
        XCTAssertTrue(a.coherent, "les vrais chiffres vérifient les relations de l'attaquant")
        return r
    }

    func testLesPropositionsMoinsLesAttentesNeDonnentPasLeNombreDeDecisionsMasque() throws {
        let (t, moteur) = try espace()
        let modeles = Modeles(espace: t.espace)
        func rapport(_ d: Diffusion) throws -> [TableDiffusee] {
            SecretFuitesTests.tablesDuRapport(try Preparation.rapport(espace: t.espace, base: try t.base(), annee: 2025, diffusion: d, modeles: modeles))
        }
        func tableauDeBord(_ d: Diffusion) throws -> [TableDiffusee] {
            SecretDecisionsTests.tablesDuTableauDeBord(try Preparation.tableauDeBord(espace: t.espace, base: try t.base(),
                                                                                      jusqua: Jour(annee: 2025, mois: 12, jour: 31)!, diffusion: d))
        }
        for (nom, externe, interne) in [("rapport annuel", try rapport(.externe), try rapport(.interne)),
                                        ("tableau de bord", try tableauDeBord(.externe), try tableauDeBord(.interne))] {
            func valeur(_ tables: [TableDiffusee], _ code: String) throws -> ValeurIndicateur {
                try XCTUnwrap(tables.first { $0.territoire == "Artois" }?.valeurs.first { $0.code == code }, "\(nom) Artois \(code)")
            }
            // The pattern is there: Artois' 1.6 has no breakdown, 3 decided of 9 propositions.
            let vrai16 = try valeur(interne, "1.6"), vrai15 = try valeur(interne, "1.5")
            XCTAssertEqual(vrai16.repartition.count, 0, "\(nom) : pas de répartition de 1.6 par territoire")
            XCTAssertEqual(vrai16.denominateur, 3, nom)
            if nom == "rapport annuel" {
                XCTAssertEqual(vrai16.statistique("en_attente"), 6, nom)
            } else {
                // The dashboard prints no statistic: it neither publishes nor protects them.
                XCTAssertNil(vrai16.statistique("en_attente"), nom)
            }
            XCTAssertEqual(vrai15.valeur, 9, nom)

            // The decided count is small, so masked; then propositions and pending are not both shown.
            let v16 = try valeur(externe, "1.6"), v15 = try valeur(externe, "1.5")
            XCTAssertNil(v16.denominateur, "\(nom) : 3 décisions prises, un petit effectif")
            XCTAssertFalse(v15.valeur != nil && v16.statistique("en_attente") != nil,
                           "\(nom) : Artois publie 1.5 = \(v15.valeur.map { "\(Int($0))" } ?? "-") et 1.6 en attente = "
                           + "\(v16.statistique("en_attente").map { "\(Int($0))" } ?? "-") : leur différence donne les 3 décisions prises masquées")
            // And nothing masked can be recovered from the whole diffusion.
            XCTAssertEqual(try attaquer(externe, interne, moteur: moteur), [], nom)
        }
    }

    /// The relation alone, on one table without the breakdown (territory nil, no other table
    /// to add up with): 1.5 with 9 propositions, 1.6 with 3 decided (« < 5 ») and 6 pending.
    /// Masked table by table, the decided count is read as 9 − 6; protected as a diffusion, it
    /// is not, and 1.5's value and the pending count are not both shown.
    func testLExempleSeRetrouveSansAuditEtPasAvec() throws {
        let i15 = try XCTUnwrap(Requetes.integrees.first { $0.code == "1.5" })
        let i16 = try XCTUnwrap(Requetes.integrees.first { $0.code == "1.6" })
        var v15 = ValeurIndicateur(indicateur: i15)
        v15.valeur = 9; v15.numerateur = 9; v15.denominateur = 9; v15.taux = 100
        var v16 = ValeurIndicateur(indicateur: i16)
        v16.valeur = 3; v16.numerateur = 3; v16.denominateur = 3; v16.taux = 100
        v16.statistiques = [Statistique(nom: "en_attente", valeur: 6)]
        let vraies = [v15, v16]
        let p = Periode.annee(2025)

        var a = Attaquant(seuil: 5, territoires: [])
        a.lire(vraies.map { SecretDiffusionTests.masquageParTable($0, seuil: 5) }, vraies: vraies, periode: p, territoire: nil)
        XCTAssertEqual(a.recuperer().map(\.description), ["1.6 dénominateur \(p) C360 = 3"], "propositions − en attente")

        let (protegee, bilan) = try ProtectionDiffusion.proteger([TableDiffusee(periode: p, territoire: nil, valeurs: vraies)], territoires: [], seuil: 5)
        let publiees = protegee[0].valeurs
        var b = Attaquant(seuil: 5, territoires: [])
        b.lire(publiees, vraies: vraies, periode: p, territoire: nil)
        XCTAssertEqual(b.recuperer().map(\.description), [])
        XCTAssertEqual(bilan.nonProtegees, 0)
        XCTAssertNil(publiees[1].denominateur, "3 décisions prises : un petit effectif")
        XCTAssertFalse(publiees[0].valeur != nil && publiees[1].statistique("en_attente") != nil,
                       "1.5 = \(publiees[0].valeur.map { "\(Int($0))" } ?? "-") et en attente = \(publiees[1].statistique("en_attente").map { "\(Int($0))" } ?? "-") publiés ensemble")
    }
}
