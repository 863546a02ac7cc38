import Foundation
import XCTest
@testable import ObservatoireCore
@testable import ObservatoireDemo
@testable import ObservatoireIndicateurs
@testable import ObservatoireRapports
@testable import ObservatoireStore

/// The small-count protection of whole diffusions, checked by an independent attacker
/// (``Attaquant``) on generated datasets of several sizes and every period form.
final class SecretDiffusionTests: XCTestCase {
    var espaces: [EspaceDeTest] = []

    /// A workspace with `n` synthetic requests over 2024–2025 (clean rows), imported.
    func jeu(_ n: Int, graine: UInt64) throws -> (EspaceDeTest, Moteur) {
        let (t, moteur) = try SecretDiffusionTests.jeu(n, graine: graine)
        espaces.append(t)
        return (t, moteur)
    }

    /// The same, for other suites (the caller keeps the workspace alive).
    static func jeu(_ n: Int, graine: UInt64, du: Jour = Jour(annee: 2024, mois: 1, jour: 1)!) throws -> (EspaceDeTest, Moteur) {
        let t = try EspaceDeTest()
        var o = OptionsDemo(aujourdhui: Jour(annee: 2026, mois: 1, jour: 15)!)
        o.sollicitations = n
        o.graine = graine
        o.tauxErreurs = 0
        o.du = du
        o.au = Jour(annee: 2025, mois: 12, jour: 31)!
        let exports = t.dossier.appendingPathComponent("exports")
        _ = try GenerateurDemo.generer(dans: exports, options: o)
        _ = try t.importer([exports])
        return (t, Moteur(base: try t.base(), configuration: t.espace.configuration))
    }

    /// Attacks one diffusion: the same tables in `externe` and `interne`.
    func attaquer(_ externe: [TableDiffusee], _ interne: [TableDiffusee], moteur: Moteur) throws -> (recuperees: [Attaquant.Recuperation], masquees: Int) {
        var a = try Attaquant.ayantLu(externe, interne, moteur: moteur)
        let r = a.recuperer()
        return (r, a.cellulesMasquees)
    }

    /// The `indicateurs` export of a period: the period and its N-1 headlines.
    func diffusionIndicateurs(_ moteur: Moteur, _ p: Periode, territoire: String? = nil) throws -> (externe: [TableDiffusee], interne: [TableDiffusee]) {
        func tables(_ d: Diffusion) throws -> [TableDiffusee] {
            let t = try moteur.tableau(p, territoire: territoire, diffusion: d, repartitionsPrecedentes: false)
            return [TableDiffusee(periode: p, territoire: territoire, valeurs: t.indicateurs),
                    TableDiffusee(periode: p.anneePrecedente, territoire: territoire, valeurs: t.precedent)]
        }
        return (try tables(.externe), try tables(.interne))
    }

    /// The datasets and period forms of the protection test.
    static let jeux: [(Int, UInt64)] = [(400, 11), (1_500, 22), (5_000, 33)]

    func formes(_ moteur: Moteur) throws -> [(String, Periode, String?)] {
        var cas: [(String, Periode, String?)] = [
            ("année", .annee(2025), nil), ("trimestre", .trimestre(2025, 2), nil),
            ("mois", .mois(2025, 1), nil), ("mois d'août", .mois(2025, 8), nil),
            ("du … au", Periode(debut: Jour(annee: 2025, mois: 2, jour: 14)!, fin: Jour(annee: 2025, mois: 5, jour: 3)!), nil),
        ]
        for t in try moteur.tousLesTerritoiresConnus() { cas.append(("territoire × mois", .mois(2025, 3), t)) }
        cas.append(("territoire × année", .annee(2025), "Ternois"))
        return cas
    }

    func testAucunEffectifMasqueNeSeRetrouveQuelsQueSoientLaTailleEtLaPeriode() throws {
        var masquees = 0, diffusions = 0
        for (n, graine) in SecretDiffusionTests.jeux {
            let (_, moteur) = try jeu(n, graine: graine)
            for (forme, p, t) in try formes(moteur) {
                let d = try diffusionIndicateurs(moteur, p, territoire: t)
                let r = try attaquer(d.externe, d.interne, moteur: moteur)
                XCTAssertEqual(r.recuperees.map(\.description), [], "\(n) sollicitations, \(forme) \(p) \(t ?? "")")
                masquees += r.masquees
                diffusions += 1
            }
        }
        XCTAssertGreaterThan(masquees, 200, "des effectifs ont bien été masqués (\(diffusions) diffusions)")
        print("Secret statistique : \(diffusions) diffusions attaquées, \(masquees) cases masquées, aucune retrouvée.")
    }

    func testLeRapportEtLeTableauDeBordSontProtegesChacunEnEntier() throws {
        let (t, moteur) = try jeu(1_500, graine: 44)
        let modeles = Modeles(espace: t.espace)
        func rapport(_ d: Diffusion) throws -> [TableDiffusee] {
            let r = try Preparation.rapport(espace: t.espace, base: try t.base(), annee: 2025, diffusion: d, modeles: modeles)
            return [TableDiffusee(periode: r.periode, territoire: nil, valeurs: r.tableau.indicateurs),
                    TableDiffusee(periode: r.periode.anneePrecedente, territoire: nil, valeurs: r.tableau.precedent)]
                + r.territoires.map { TableDiffusee(periode: r.periode, territoire: $0.territoire, valeurs: $0.valeurs) }
        }
        let r = try attaquer(try rapport(.externe), try rapport(.interne), moteur: moteur)
        XCTAssertEqual(r.recuperees.map(\.description), [], "rapport annuel")
        XCTAssertGreaterThan(r.masquees, 20)

        func tableauDeBord(_ d: Diffusion) throws -> [TableDiffusee] {
            let b = try Preparation.tableauDeBord(espace: t.espace, base: try t.base(), jusqua: Jour(annee: 2025, mois: 10, jour: 31)!, diffusion: d)
            return zip(b.mois, b.parMois).map { TableDiffusee(periode: $0, territoire: nil, valeurs: $1) }
                + [TableDiffusee(periode: b.cumul.periode, territoire: nil, valeurs: b.cumul.indicateurs),
                   TableDiffusee(periode: b.cumul.periode.anneePrecedente, territoire: nil, valeurs: b.cumul.precedent)]
                + b.territoires.map { TableDiffusee(periode: b.cumul.periode, territoire: $0.territoire, valeurs: $0.valeurs) }
        }
        // Each document on its own here: the registry of publications, which protects the
        // dashboard after the report, is tested in SecretRegistreTests.
        try t.base().file.write { db in try db.execute(sql: "DELETE FROM chiffres_publies") }
        let b = try attaquer(try tableauDeBord(.externe), try tableauDeBord(.interne), moteur: moteur)
        XCTAssertEqual(b.recuperees.map(\.description), [], "tableau de bord")
        XCTAssertGreaterThan(b.masquees, 20)
    }

    /// The attacker is not toothless: on the masking of each table alone (the rule before
    /// this one: small counts, then one more line per breakdown), the same diffusions give
    /// counts away.
    func testLAttaquantRetrouveCeQueLeMasquageTableParTableLaisse() throws {
        var recuperees = 0, exposees = 0, diffusions = 0
        for (n, graine) in SecretDiffusionTests.jeux {
            let (_, moteur) = try jeu(n, graine: graine)
            let seuil = moteur.configuration.seuilPetitsEffectifs
            for (_, p, t) in try formes(moteur) {
                let d = try diffusionIndicateurs(moteur, p, territoire: t)
                let naif = d.interne.map { x in TableDiffusee(periode: x.periode, territoire: x.territoire, valeurs: x.valeurs.map { SecretDiffusionTests.masquageParTable($0, seuil: seuil) }) }
                let r = try attaquer(naif, d.interne, moteur: moteur).recuperees.count
                recuperees += r
                exposees += r > 0 ? 1 : 0
                diffusions += 1
            }
        }
        XCTAssertGreaterThan(exposees, diffusions / 2, "l'ancien masquage laisse retrouver des cases dans la plupart des diffusions")
        print("Masquage table par table : \(exposees) diffusions sur \(diffusions) laissent retrouver \(recuperees) cases masquées.")
    }

    /// The issue's first example: x.rapt, oui « < 5 », non 226, non renseigné 0, total 229.
    func testLExempleXRaptSeRetrouveSansProtectionEtPasAvec() throws {
        let rapt = try XCTUnwrap(Requetes.integrees.first { $0.code == "x.rapt" })
        var vraie = ValeurIndicateur(indicateur: rapt)
        vraie.valeur = 3; vraie.numerateur = 3; vraie.denominateur = 229; vraie.taux = 1.3
        vraie.repartition = [LigneRepartition(cle: "oui", n: 3, taux: 1.3, base: 229),
                             LigneRepartition(cle: "non", n: 226, taux: 98.7, base: 229),
                             LigneRepartition(cle: "non_renseigne", n: 0, taux: 0, base: 229)]
        let p = Periode.mois(2025, 1)
        var naive = SecretDiffusionTests.masquageParTable(vraie, seuil: 5)
        naive.denominateur = 229
        var a = Attaquant(seuil: 5, territoires: [])
        a.lire([naive], vraies: [vraie], periode: p, territoire: nil)
        XCTAssertEqual(a.recuperer().map(\.valeur).first, 3, "oui = 229 − 226 − 0")

        let (protegee, bilan) = try ProtectionDiffusion.proteger([TableDiffusee(periode: p, territoire: nil, valeurs: [vraie])], territoires: [], seuil: 5)
        var b = Attaquant(seuil: 5, territoires: [])
        b.lire(protegee[0].valeurs, vraies: [vraie], periode: p, territoire: nil)
        XCTAssertEqual(b.recuperer().map(\.description), [])
        XCTAssertEqual(bilan.petitsEffectifs, 1)
        XCTAssertGreaterThanOrEqual(bilan.secrets, 1)
        XCTAssertNil(protegee[0].valeurs[0].taux, "un taux dont le numérateur est masqué est retenu")
        XCTAssertEqual(protegee[0].valeurs[0].repartition[2].n, 0, "zéro n'est jamais masqué")
    }

    /// A « masqué » cell is at least the threshold (it is never a small count): 3.1 with
    /// co-built 6 = personne 5 + aidant 1 + pair aidant 0 must not let « aidant » be read as
    /// 6 − 5 once « personne » is withheld (the audit must know that a secret is ≥ 5).
    func testUnSecretVautAuMoinsLeSeuil() throws {
        let projet = try XCTUnwrap(Requetes.integrees.first { $0.code == "3.1" })
        var vraie = ValeurIndicateur(indicateur: projet)
        vraie.valeur = 6; vraie.numerateur = 6; vraie.denominateur = 20; vraie.taux = 30
        vraie.repartition = [("personne", 5.0), ("aidant", 1), ("pair_aidant", 0), ("non", 10), ("non_renseigne", 4)].map {
            LigneRepartition(cle: $0.0, n: $0.1, taux: Moteur.taux($0.1, sur: 20), base: 20)
        }
        let p = Periode.mois(2025, 3)
        let (protegee, bilan) = try ProtectionDiffusion.proteger([TableDiffusee(periode: p, territoire: nil, valeurs: [vraie])], territoires: [], seuil: 5)
        var a = Attaquant(seuil: 5, territoires: [])
        a.lire(protegee[0].valeurs, vraies: [vraie], periode: p, territoire: nil)
        XCTAssertEqual(a.recuperer().map(\.description), [])
        XCTAssertEqual(bilan.nonProtegees, 0)
        XCTAssertEqual(protegee[0].valeurs[0].repartition[2].n, 0, "zéro publié")
    }

    /// The masking of one table alone (primary suppression, then the smallest other line of a
    /// breakdown with a single masked line, when its total is shown): what `externe` did before
    /// the whole-diffusion rule (commit 61e8b18, `SecretStatistique.masquer`).
    static func masquageParTable(_ entree: ValeurIndicateur, seuil: Int) -> ValeurIndicateur {
        var v = entree
        guard v.indicateur.secret else { return v }
        let petit = { (x: Double?) in SecretStatistique.estPetit(x, seuil: seuil) }
        if v.indicateur.unite == .nombre && petit(v.valeur) { v.valeur = nil; v.valeurRetenue = .petitEffectif }
        if petit(v.numerateur) { v.numerateur = nil; v.numerateurRetenu = .petitEffectif }
        if petit(v.denominateur) { v.denominateur = nil; v.denominateurRetenu = .petitEffectif }
        if v.numerateurRetenu != nil || v.denominateurRetenu != nil { v.taux = nil; v.tauxRetenu = .secret }
        for i in v.statistiques.indices where v.indicateur.comptes.champs[v.statistiques[i].nom] != nil && petit(v.statistiques[i].valeur) {
            v.statistiques[i].valeur = nil
            v.statistiques[i].retenue = .petitEffectif
        }
        for i in v.repartition.indices where v.indicateur.unite != .etp && petit(v.repartition[i].n) {
            v.repartition[i].n = nil
            v.repartition[i].taux = nil
            v.repartition[i].retenue = .petitEffectif
        }
        if v.indicateur.additive && v.valeurRetenue == nil && v.repartition.filter({ $0.retenue != nil }).count == 1,
           let i = v.repartition.indices.filter({ v.repartition[$0].retenue == nil && (v.repartition[$0].n ?? 0) > 0 })
               .min(by: { v.repartition[$0].n! < v.repartition[$1].n! }) {
            v.repartition[i].n = nil
            v.repartition[i].taux = nil
            v.repartition[i].retenue = .secret
        }
        return v
    }
}
