import Foundation
import XCTest
@testable import ObservatoireCore
@testable import ObservatoireIndicateurs
@testable import ObservatoireRapports
@testable import ObservatoireStore

/// The documents of a year sent together to the COTER and the CNSA — the external annual
/// report, the dashboard of December, the exchange file of the year — are protected together
/// (`Preparation.paquetAnnuel`). Protected each on its own, the first review recovered masked
/// months of a territory from the dashboard's territory total (L1), decisions from the
/// dashboard's 1.6 (L2), a pending count from the exchange file's N-1 rates (L3). An attacker
/// who reads all three at once now recovers nothing, and the three print the same thing for
/// the same figure.
final class SecretPaquetAnnuelTests: XCTestCase {
    var espaces: [EspaceDeTest] = []

    struct Documents {
        var rapport: [TableDiffusee]
        var tableauDeBord: [TableDiffusee]
        var echange: [TableDiffusee]
        var tout: [TableDiffusee] { rapport + tableauDeBord + echange }
    }

    func documents(_ t: EspaceDeTest, _ d: Diffusion, tableauDeBordSeul: Bool = false) throws -> Documents {
        let base = try t.base()
        let r = try Preparation.rapport(espace: t.espace, base: base, annee: 2025, diffusion: d, modeles: Modeles(espace: t.espace))
        let b = try Preparation.tableauDeBord(espace: t.espace, base: base, jusqua: Jour(annee: 2025, mois: 12, jour: 31)!, diffusion: d)
        let e = try Preparation.indicateurs(espace: t.espace, base: base, periode: .annee(2025), territoire: nil, diffusion: d)
        var tdb = SecretDecisionsTests.tablesDuTableauDeBord(b)
        if tableauDeBordSeul && d == .externe {
            // The dashboard as it was protected before: on its own.
            let interne = SecretDecisionsTests.tablesDuTableauDeBord(
                try Preparation.tableauDeBord(espace: t.espace, base: base, jusqua: Jour(annee: 2025, mois: 12, jour: 31)!, diffusion: .interne))
            // (Without the registry of publications, which would protect it after the report.)
            let moteur = Moteur(base: base, configuration: t.espace.configuration)
            tdb = try ProtectionDiffusion.proteger(interne, territoires: try moteur.tousLesTerritoiresConnus(),
                                                   seuil: t.espace.configuration.seuilPetitsEffectifs).tables
        }
        return Documents(rapport: SecretFuitesTests.tablesDuRapport(r), tableauDeBord: tdb,
                         echange: [TableDiffusee(periode: e.periode, territoire: nil, valeurs: e.indicateurs),
                                   TableDiffusee(periode: e.periode.anneePrecedente, territoire: nil, valeurs: e.precedent)])
    }

    func attaquer(_ externe: [TableDiffusee], _ interne: [TableDiffusee], moteur: Moteur) throws -> [String] {
        var a = try Attaquant.ayantLu(externe, interne, moteur: moteur, complements: true)
        return a.recuperer().map(\.description)
    }

    /// The headline figures of one table key, as printed (a masked one by its label).
    func imprime(_ tables: [TableDiffusee]) -> [String: String] {
        var r: [String: String] = [:]
        for table in tables {
            for v in table.valeurs where v.indicateur.secret {
                let cle = "\(v.code) \(table.periode.debut.iso) \(table.territoire ?? "C360")"
                r[cle] = v.valeur.map { "\($0)" } ?? v.valeurRetenue.map { "\($0)" } ?? "-"
            }
        }
        return r
    }

    func verifier(_ n: Int, graine: UInt64) throws {
        let (t, moteur) = try SecretDiffusionTests.jeu(n, graine: graine)
        espaces.append(t)
        let externe = try documents(t, .externe), interne = try documents(t, .interne)
        XCTAssertEqual(try attaquer(externe.tout, interne.tout, moteur: moteur), [], "\(n) demandes, graine \(graine)")
        // The same figure is printed the same way by every document that prints it.
        let (r, b, e) = (imprime(externe.rapport), imprime(externe.tableauDeBord), imprime(externe.echange))
        for (cle, x) in b { if let y = r[cle] { XCTAssertEqual(x, y, "tableau de bord / rapport : \(cle)") } }
        for (cle, x) in e { if let y = r[cle] { XCTAssertEqual(x, y, "échange / rapport : \(cle)") } }
    }

    /// The size of the first review's workspace (160 requests over two years, 9 territories)
    /// and a département-sized one.
    func testLesDocumentsDeLAnneeRassemblesNeDonnentRien() throws {
        try verifier(160, graine: 7)
        try verifier(1_500, graine: 44)
    }

    /// What the package prevents: the same report with the dashboard protected on its own
    /// gives masked counts away.
    func testProtegesChacunPourEuxIlsSeTrahissent() throws {
        let (t, moteur) = try SecretDiffusionTests.jeu(160, graine: 7)
        espaces.append(t)
        let externe = try documents(t, .externe, tableauDeBordSeul: true), interne = try documents(t, .interne)
        XCTAssertNotEqual(try attaquer(externe.rapport + externe.tableauDeBord, interne.rapport + interne.tableauDeBord, moteur: moteur), [])
    }
}
