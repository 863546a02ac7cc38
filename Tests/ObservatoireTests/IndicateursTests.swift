import Foundation
import GRDB
import XCTest
@testable import ObservatoireCore
@testable import ObservatoireImport
@testable import ObservatoireIndicateurs
@testable import ObservatoireStore

/// Every indicator on the hand-checked fixture of `Fixtures/indicateurs` (see its README). The
/// expected figures are computed by hand in the comments.
final class IndicateursTests: XCTestCase {
    static var dossierFixture: URL {
        Bundle.module.resourceURL!.appendingPathComponent("Fixtures/indicateurs", isDirectory: true)
    }

    /// The workspace of the running test, kept alive until its end.
    var espaceCourant: EspaceDeTest?

    /// A workspace with the fixture imported (territories Arrageois and Ternois).
    func preparer(seuil: Int = 5) throws -> (EspaceDeTest, Moteur) {
        let t = try EspaceDeTest(territoires: ["Arrageois", "Ternois"]) { $0 = $0.replacingOccurrences(of: "seuil: 5", with: "seuil: \(seuil)") }
        let bilan = try t.importer([IndicateursTests.dossierFixture])
        XCTAssertEqual(bilan.totalRejetees, 0, "le jeu d'essai est propre : \(bilan.fichiers.flatMap(\.exemples))")
        XCTAssertEqual(bilan.ignores, ["README.md"])
        espaceCourant = t
        return (t, Moteur(base: try t.base(), configuration: t.espace.configuration))
    }

    func valeurs(_ moteur: Moteur, _ periode: Periode = .annee(2025), territoire: String? = nil) throws -> [String: ValeurIndicateur] {
        Dictionary(uniqueKeysWithValues: try moteur.calculer(periode, territoire: territoire).map { ($0.code, $0) })
    }

    func repartition(_ v: ValeurIndicateur?) -> [String: Double] {
        Dictionary(uniqueKeysWithValues: (v?.repartition ?? []).map { ($0.cle, $0.n ?? -1) })
    }

    func parts(_ v: ValeurIndicateur?) -> [String: Double] {
        Dictionary(uniqueKeysWithValues: (v?.repartition ?? []).compactMap { l in l.taux.map { (l.cle, $0) } })
    }

    func testLesRequetesSontToutesChargeesDansLOrdre() {
        let codes = Requetes.integrees.map(\.code)
        XCTAssertEqual(Array(codes.prefix(15)), Configuration.codesOfficiels)
        XCTAssertTrue(codes.dropFirst(15).allSatisfy { $0.hasPrefix("x.") })
        for i in Requetes.integrees {
            XCTAssertFalse(i.definition.isEmpty, i.fichier)
            XCTAssertTrue(i.fichier.hasSuffix(".sql"))
            XCTAssertFalse(i.sql.contains("\\("), "aucune interpolation dans \(i.fichier)")
        }
    }

    func testIndicateursDuCahierDesCharges2025() throws {
        let (_, moteur) = try preparer()
        let v = try valeurs(moteur)

        // 1.1 — 12 requests: Jan 2, Feb 2, Mar 2, Apr 1, May 1, Jun 1, Jul 1, Aug 0, Sep 1, Oct 0, Nov 0, Dec 1.
        XCTAssertEqual(v["1.1"]?.valeur, 12)
        XCTAssertEqual(v["1.1"]?.repartition.map(\.cle), (1...12).map { String(format: "2025-%02d", $0) })
        XCTAssertEqual(v["1.1"]?.repartition.map { $0.n ?? -1 }, [2, 2, 2, 1, 1, 1, 1, 0, 1, 0, 0, 1])
        XCTAssertNil(v["1.1"]?.taux)

        // 1.2 — enfant 3 (S02 S07 S11), adulte 6, aidant 2 (S03 S08), professionnel 1 (S05).
        XCTAssertEqual(v["1.2"]?.repartition.map(\.cle), ["enfant_sh", "adulte_sh", "aidant", "professionnel"])
        XCTAssertEqual(repartition(v["1.2"]), ["enfant_sh": 3, "adulte_sh": 6, "aidant": 2, "professionnel": 1])
        XCTAssertEqual(parts(v["1.2"]), ["enfant_sh": 25.0, "adulte_sh": 50.0, "aidant": 16.7, "professionnel": 8.3])

        // 1.3 — |R| = 8; several types per request, shares add up to more than 100 %.
        XCTAssertEqual(v["1.3"]?.valeur, 8)
        XCTAssertEqual(repartition(v["1.3"]), [
            "acces_droits": 1, "scolarisation_formation": 2, "emploi": 2, "logement_habitat": 3, "sante_soins": 1,
            "accompagnement_medico_social": 1, "repit_aidants": 1, "vie_sociale_loisirs": 1, "mobilite_transport": 0,
            "ressources": 0, "autre": 0, "non_renseigne": 0,
        ])
        XCTAssertEqual(parts(v["1.3"])["logement_habitat"], 37.5)
        XCTAssertEqual(v["1.3"]?.repartition.last?.cle, "non_renseigne")

        // Prop(2025) = PR01–PR09 and PR11 (10); PR08 (Jan 2026, request of Dec 2025) counts,
        // PR10 (request of Dec 2024) does not.
        // 1.4 — evaluation: PR01 PR03 PR04 PR06 PR08 = 5 / 10.
        XCTAssertEqual(v["1.4"]?.valeur, 5)
        XCTAssertEqual(v["1.4"]?.numerateur, 5)
        XCTAssertEqual(v["1.4"]?.denominateur, 10)
        XCTAssertEqual(v["1.4"]?.taux, 50.0)

        // 1.5 — |Prop| = 10; R with a proposition: 7 of 8 (S09 has none).
        XCTAssertEqual(v["1.5"]?.valeur, 10)
        XCTAssertEqual(v["1.5"]?.taux, 87.5)

        // 1.6 — accepted 6 / decided 8 (pending PR06, PR08 out of the rate).
        XCTAssertEqual(v["1.6"]?.valeur, 6)
        XCTAssertEqual(v["1.6"]?.denominateur, 8)
        XCTAssertEqual(v["1.6"]?.taux, 75.0)
        XCTAssertEqual(v["1.6"]?.statistique("en_attente"), 2)
        XCTAssertEqual(v["1.6"]?.repartition.map(\.cle), ["acceptee", "refusee", "en_attente", "sans_suite"])
        XCTAssertEqual(repartition(v["1.6"]), ["acceptee": 6, "refusee": 1, "en_attente": 2, "sans_suite": 1])
        XCTAssertEqual(v["1.6"]?.atteinte, true, "cible ≥ 70 %")

        // 1.7 — delays 15 (S01), 12 (S02), 15 (S04), 4 (S05), 36 (S06), 1 (S08), 30 (S11), 21 (S12):
        // sorted 1 4 12 15 15 21 30 36; mean 134/8 = 16.75 → 16.8; median rank 4 → 15; p90 rank 8 → 36.
        XCTAssertEqual(v["1.7"]?.valeur, 16.8)
        XCTAssertEqual(v["1.7"]?.statistique("n"), 8)
        XCTAssertEqual(v["1.7"]?.statistique("mediane"), 15)
        XCTAssertEqual(v["1.7"]?.statistique("p90"), 36)
        XCTAssertEqual(v["1.7"]?.statistique("sans_proposition"), 4)
        XCTAssertEqual(v["1.7"]?.atteinte, true, "cible ≤ 30 jours")

        // 2.1 — accompanied after outreach: S05 S06 S12.
        XCTAssertEqual(v["2.1"]?.valeur, 3)
        // 2.2 — ad hoc: PR02 PR04 PR07 = 3 / 10. 2.3 — mainstream: 8 / 10.
        XCTAssertEqual(v["2.2"]?.taux, 30.0)
        XCTAssertEqual(v["2.3"]?.valeur, 8)
        XCTAssertEqual(v["2.3"]?.taux, 80.0)
        XCTAssertEqual(v["2.3"]?.atteinte, true)

        // 3.1 — A = 7; co-built 5 (S01 S02 S05 S11 S12); S08 empty stays in the denominator.
        XCTAssertEqual(v["3.1"]?.valeur, 5)
        XCTAssertEqual(v["3.1"]?.denominateur, 7)
        XCTAssertEqual(v["3.1"]?.taux, 71.4)
        XCTAssertEqual(repartition(v["3.1"]), ["personne": 3, "aidant": 1, "pair_aidant": 1, "non": 1, "non_renseigne": 1])

        // 4.1 — (1 × 365 + 0.5 × 184 + 0.8 × 90) / 365 = 529 / 365 = 1.449 → 1.45.
        XCTAssertEqual(v["4.1"]?.valeur, 1.45)
        // 4.2 — on 31/12/2025: A1 A2 A4 A6 (A3 left that day, A5 comes in 2026); 2 + 2.
        XCTAssertEqual(v["4.2"]?.valeur, 4)
        XCTAssertEqual(repartition(v["4.2"]), ["droit_commun": 2, "specialise": 2])
        // 4.3 — 0.3 + 0.2 + 0.45 = 0.95, by member, largest first.
        XCTAssertEqual(v["4.3"]?.valeur, 0.95)
        XCTAssertEqual(v["4.3"]?.repartition.map(\.cle), ["Département", "MDPH", "ARS"])
        // 5.1 — partners outside the core: A2 A6.
        XCTAssertEqual(v["5.1"]?.valeur, 2)
    }

    func testIndicateursComplementaires2025() throws {
        let (_, moteur) = try preparer()
        let v = try valeurs(moteur)
        XCTAssertEqual(repartition(v["x.type"]), ["information": 3, "orientation": 1, "recherche_solution": 8])
        XCTAssertEqual(repartition(v["x.canal"]), ["numero_vert": 6, "mail": 2, "fiche_saisine": 2, "partenaire": 1, "autre": 1, "non_renseigne": 0])
        XCTAssertEqual(repartition(v["x.niveau"]), ["1": 8, "2": 3, "3": 1, "non_renseigne": 0])
        XCTAssertEqual(v["x.rapt"]?.valeur, 1)
        XCTAssertEqual(v["x.rapt"]?.taux, 8.3)
        XCTAssertEqual(repartition(v["x.rapt"]), ["oui": 1, "non": 10, "non_renseigne": 1])
        XCTAssertEqual(repartition(v["x.age"]), ["moins_16": 3, "16_21": 1, "plus_21": 6, "non_renseigne": 2])
        // 10 distinct persons, P1 and P2 came twice.
        XCTAssertEqual(v["x.personnes"]?.valeur, 10)
        XCTAssertEqual(v["x.personnes"]?.taux, 20.0)
        XCTAssertEqual(v["x.personnes"]?.statistique("sollicitations_par_personne"), 1.2)
        // Active caseload on 31/12/2025: T01 (from 2024) S01 S02 S05 S08 S11 S12; S06 closed in June.
        XCTAssertEqual(v["x.file_active"]?.valeur, 7)
        XCTAssertEqual(repartition(v["x.delais"]), ["0-7": 2, "8-15": 3, "16-30": 2, "31-60": 1, "61-90": 0, "plus_90": 0])
    }

    func testAnneePrecedenteEtCohorte() throws {
        let (_, moteur) = try preparer()
        let v = try valeurs(moteur, .annee(2024))
        XCTAssertEqual(v["1.1"]?.valeur, 2)
        // PR10, made in January 2025 for the request of 15/12/2024, counts in 2024: 19 days.
        XCTAssertEqual(v["1.5"]?.valeur, 1)
        XCTAssertEqual(v["1.7"]?.valeur, 19)
        // 4.1 in 2024 (366 days): (366 + 0.8 × 306) / 366 = 1.669 → 1.67.
        XCTAssertEqual(v["4.1"]?.valeur, 1.67)
        XCTAssertEqual(v["4.2"]?.valeur, 3)
        XCTAssertEqual(v["4.3"]?.valeur, 0.5)
        let t = try moteur.tableau(.annee(2025), diffusion: .interne)
        XCTAssertEqual(t.precedent("1.7")?.valeur, 19)
        XCTAssertEqual(t.precedent("1.1")?.valeur, 2)
    }

    func testPeriodeVideTauxNonCalculables() throws {
        let (_, moteur) = try preparer()
        // A year before any data: « pas de données », never a column of zeros.
        let avant = try valeurs(moteur, .annee(2022))
        for (code, v) in avant where v.indicateur.entrees.allSatisfy({ $0.table == .sollicitations || $0.table == .propositions }) {
            XCTAssertEqual(v.statut, .pasDeDonnees, code)
            XCTAssertNil(v.valeur, code)
            XCTAssertNil(v.taux, code)
        }
        // The directory existed already (actors referenced in 2021): its figures are computed.
        XCTAssertEqual(avant["4.2"]?.statut, .calcule)
        // August 2025: no request in a period that has data around it — real zeros, and the rates
        // are not computable (never 0 %, never NaN).
        let v = try valeurs(moteur, .mois(2025, 8))
        XCTAssertEqual(v["1.1"]?.valeur, 0)
        XCTAssertEqual(v["1.1"]?.repartition.count, 1)
        for code in ["1.4", "1.5", "1.6", "2.2", "2.3", "3.1", "x.rapt", "x.personnes"] {
            XCTAssertEqual(v[code]?.denominateur, 0, code)
            XCTAssertNil(v[code]?.taux, "\(code) : non calculable, ni 0 ni NaN")
            XCTAssertEqual(v[code]?.statut, .nonCalcule, code)
        }
        XCTAssertNil(v["1.7"]?.valeur, "délai moyen sur aucune demande : non calculable")
        XCTAssertNil(v["1.7"]?.atteinte)
        XCTAssertTrue(v["1.2"]?.repartition.allSatisfy { $0.taux == nil && $0.n == 0 } == true)
        let json = Restitution.json(try moteur.tableau(.mois(2025, 8), diffusion: .interne)).texteCompact
        for interdit in [":nan", ":NaN", ":inf", "Infinity", ":-inf"] { XCTAssertFalse(json.contains(interdit), interdit) }
        XCTAssertTrue(json.contains("\"code\":\"1.4\",\"libelle\":\"Nombre et taux de solutions d'accompagnement proposées à partir des évaluations préexistantes\",\"statut\":\"non_calcule\",\"valeur\":0,\"taux\":null,\"numerateur\":0,\"denominateur\":0"))
        let json2022 = Restitution.json(try moteur.tableau(.annee(2022), diffusion: .interne)).texteCompact
        XCTAssertTrue(json2022.contains("\"code\":\"1.1\",\"libelle\":\"Nombre total de sollicitations reçues chaque mois\",\"statut\":\"pas_de_donnees\",\"valeur\":null"), json2022)
    }

    /// Review (calcul F2): a territory whose requests have no proposition yet showed
    /// « pas de données » for the rates and the delay, and the requests still waiting were lost.
    /// In a C360 whose sources give propositions, none is a figure: the rates are not
    /// calculable and 1.7 counts the requests waiting. A base with no proposition at all still
    /// says « pas de données ».
    func testDesDemandesSansPropositionNeSontPasUneAbsenceDeDonnees() throws {
        let t = try EspaceDeTest(territoires: ["Arrageois", "Ternois"])
        let demandes = [CSV.sollicitation("S0", date: "2024-05-10", personne: "P0", territoire: "Ternois"),
                        CSV.sollicitation("S1", date: "2025-03-10", personne: "P1", territoire: "Arrageois"),
                        CSV.sollicitation("S2", date: "2025-03-11", personne: "P2", territoire: "Ternois"),
                        CSV.sollicitation("S3", date: "2025-04-12", personne: "P3", territoire: "Ternois")]
        let fichier = try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, demandes))
        XCTAssertEqual(try t.importer([fichier]).totalRejetees, 0)
        let sansAucune = try valeurs(Moteur(base: try t.base(), configuration: t.espace.configuration), territoire: "Ternois")
        XCTAssertEqual(sansAucune["1.7"]?.statut, .pasDeDonnees, "aucune proposition dans la base")
        let propositions = try t.ecrire("propositions.csv", CSV.fichier(CSV.entetePropositions, [CSV.proposition("PR1", "S1", date: "2025-03-20")]))
        XCTAssertEqual(try t.importer([propositions]).totalRejetees, 0)
        let v = try valeurs(Moteur(base: try t.base(), configuration: t.espace.configuration), territoire: "Ternois")
        for code in ["1.4", "1.6", "2.2", "2.3"] {
            XCTAssertEqual(v[code]?.statut, .nonCalcule, code)
            XCTAssertEqual(v[code]?.denominateur, 0, code)
        }
        XCTAssertEqual(v["1.7"]?.statut, .nonCalcule)
        XCTAssertEqual(v["1.7"]?.statistique("sans_proposition"), 2, "les demandes en attente sont comptées")
        XCTAssertEqual(v["1.7"]?.statistique("n"), 0)
        XCTAssertEqual(v["x.delais"]?.statut, .calcule)
        // 2024, before the C360 entered any proposition: still « pas de données » (the
        // regression review's M4: the whole base was asked, and 2024 showed rates of 0).
        let avant = try valeurs(Moteur(base: try t.base(), configuration: t.espace.configuration), .annee(2024))
        XCTAssertEqual(avant["1.6"]?.statut, .pasDeDonnees)
        XCTAssertEqual(avant["1.7"]?.statut, .pasDeDonnees)
    }

    /// Review (calcul F5): each core member's ETP was written to the JSON and CSV as read
    /// (0,125), while the reports print it to the hundredth (0,13) like the total. The machine
    /// outputs now give what the reports print, rounded half away from zero on the decimal.
    func testLesETPDesMembresSontArrondisCommeDansLesRapports() throws {
        let t = try EspaceDeTest(territoires: ["Arrageois"])
        let membres = try t.ecrire("membres_coeur.csv", "annee;membre;etp\n2025;MDPH;0,125\n2025;ARS;0,575\n2025;Département;0,005\n")
        XCTAssertEqual(try t.importer([membres]).totalRejetees, 0)
        let tableau = try Moteur(base: try t.base(), configuration: t.espace.configuration).tableau(.annee(2025), diffusion: .interne)
        let json = Restitution.json(tableau).texteCompact
        XCTAssertTrue(json.contains("{\"cle\":\"MDPH\",\"n\":0.13,"), json)
        XCTAssertTrue(json.contains("{\"cle\":\"ARS\",\"n\":0.58,"), json)
        XCTAssertTrue(json.contains("{\"cle\":\"Département\",\"n\":0.01,"), json)
        let csv = Restitution.csv(tableau, configuration: t.espace.configuration)
        XCTAssertTrue(csv.contains(";repartition;MDPH;0.13;"), csv)
    }

    /// Review (calcul F3): a month whose only accompanied request has its life project left
    /// empty, in a base whose sources fill it elsewhere, showed « non collecté » (the column
    /// empty on every row of the month). It is « non renseigné », kept in the denominator
    /// (indicateurs.md 3.1); a column filled on no row of the base stays « non collecté ».
    func testUneColonneRecueillieMaisVideSurUnMoisEstNonRenseignee() throws {
        let t = try EspaceDeTest(territoires: ["Arrageois"])
        let f = try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, [
            CSV.sollicitation("S0", date: "2024-06-10", personne: "P0", projet: "", rapt: ""),
            CSV.sollicitation("S1", date: "2025-06-10", personne: "P1", projet: "personne", rapt: "non"),
            CSV.sollicitation("S2", date: "2025-07-10", personne: "P2", projet: "", rapt: ""),
            CSV.sollicitation("S3", date: "2026-01-10", personne: "P3", projet: "", rapt: "")]))
        XCTAssertEqual(try t.importer([f]).totalRejetees, 0)
        let v = try valeurs(Moteur(base: try t.base(), configuration: t.espace.configuration), .mois(2025, 7))
        XCTAssertEqual(v["3.1"]?.statut, .calcule)
        XCTAssertEqual(v["3.1"]?.denominateur, 1)
        XCTAssertEqual(repartition(v["3.1"])["non_renseigne"], 1)
        XCTAssertEqual(v["x.rapt"]?.statut, .calcule)
        // January 2026 is judged with the twelve months before it (second regression review N4).
        XCTAssertEqual(try valeurs(Moteur(base: try t.base(), configuration: t.espace.configuration), .mois(2026, 1))["3.1"]?.statut, .calcule)
        // 2024, when the sources did not fill it yet: not collected, never a missed target.
        XCTAssertEqual(try valeurs(Moteur(base: try t.base(), configuration: t.espace.configuration), .annee(2024))["3.1"]?.statut, .nonCollecte)
        // Filled nowhere: not collected.
        let u = try EspaceDeTest(territoires: ["Arrageois"])
        let g = try u.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, [CSV.sollicitation("S1", date: "2025-07-10", personne: "P1", projet: "")]))
        XCTAssertEqual(try u.importer([g]).totalRejetees, 0)
        XCTAssertEqual(try valeurs(Moteur(base: try u.base(), configuration: u.espace.configuration), .mois(2025, 7))["3.1"]?.statut, .nonCollecte)
    }

    func testParTerritoireEtParMois() throws {
        let (_, moteur) = try preparer()
        let ternois = try valeurs(moteur, territoire: "Ternois")
        // Ternois: S03 S05 S08 S12.
        XCTAssertEqual(ternois["1.1"]?.valeur, 4)
        XCTAssertEqual(ternois["1.5"]?.valeur, 4, "PR04 PR11 (S05), PR06 (S08), PR08 (S12)")
        XCTAssertEqual(ternois["4.2"]?.valeur, 4, "l'annuaire porte sur toute la C360")
        let mars = try valeurs(moteur, .mois(2025, 3))
        XCTAssertEqual(mars["1.1"]?.valeur, 2)
        XCTAssertEqual(mars["1.7"]?.valeur, 20, "S05 4 jours, S06 36 jours")
        let t2 = try valeurs(moteur, .trimestre(2025, 1))
        XCTAssertEqual(t2["1.1"]?.valeur, 6)
        XCTAssertEqual(try moteur.territoires(.annee(2025)), ["Arrageois", "Ternois"])
    }

    // MARK: - Small counts

    /// Attacks the `externe` table with the independent attacker (``Attaquant``).
    func attaquer(_ moteur: Moteur, _ p: Periode) throws -> [Attaquant.Recuperation] {
        let e = try moteur.tableau(p, diffusion: .externe), i = try moteur.tableau(p, diffusion: .interne)
        var a = Attaquant(seuil: moteur.configuration.seuilPetitsEffectifs, territoires: try moteur.tousLesTerritoiresConnus())
        a.lire(e.indicateurs, vraies: i.indicateurs, periode: p, territoire: nil)
        a.lire(e.precedent, vraies: i.precedent, periode: p.anneePrecedente, territoire: nil)
        return a.recuperer()
    }

    func testSecretStatistiqueSeuil5() throws {
        let (_, moteur) = try preparer(seuil: 5)
        let t = try moteur.tableau(.annee(2025), diffusion: .externe)
        // 1.1: every non-zero month (1 or 2) masked as a small count, zeros shown; the total 12
        // stays shown (nine masked months between 1 and 4 adding up to 12 leave many solutions).
        XCTAssertEqual(t["1.1"]?.valeur, 12)
        XCTAssertEqual(t["1.1"]?.repartition.filter { $0.retenue == .petitEffectif }.count, 9)
        XCTAssertEqual(t["1.1"]?.repartition.first { $0.cle == "2025-08" }?.n, 0)
        XCTAssertNil(t["1.1"]?.repartition.first { $0.cle == "2025-01" }?.n, "la valeur masquée est retirée, pas seulement cachée")
        // 1.2: 3, 2 and 1 masked with their shares; 6 shown.
        XCTAssertEqual(t["1.2"]?.repartition.map(\.masquee), [true, false, true, true])
        XCTAssertNil(t["1.2"]?.repartition[0].taux)
        XCTAssertEqual(t["1.2"]?.repartition[0].tauxRetenu, .secret, "la part d'un effectif masqué est retenue")
        // 2.1 = 3: masked.
        XCTAssertNil(t["2.1"]?.valeur)
        XCTAssertEqual(t["2.1"]?.valeurRetenue, .petitEffectif)
        // 1.4 = 5 is not a small count (its rate goes: its denominator is withheld).
        XCTAssertNotEqual(t["1.4"]?.valeurRetenue, .petitEffectif)
        // Every count is concerned, organisations too (5.1 = 2); ETP are not counts (4.1 = 1.45).
        XCTAssertNil(t["5.1"]?.valeur)
        XCTAssertEqual(t["5.1"]?.valeurMasquee, true)
        XCTAssertEqual(t["4.1"]?.valeur, 1.45)
        XCTAssertEqual(t["4.3"]?.repartition.first?.n, 0.45, "un ETP n'est pas un effectif")
        XCTAssertNil(t["4.3"]?.statistique("membres"), "3 membres : effectif masqué")
        // N-1: 2 requests in 2024, masked; the delay of one request is withheld, not « < 5 ».
        XCTAssertNil(t.precedent("1.1")?.valeur)
        XCTAssertNil(t.precedent("1.7")?.valeur, "délai sur une seule demande")
        XCTAssertEqual(t.precedent("1.7")?.valeurRetenue, .effectifInsuffisant)
        // The mean delay of 2025 rests on 8 requests (16,8 days, median 15), but its delay
        // bands (x.delais) hold small counts, which the mean, median and percentile would pin
        // down: they are withheld (« effectif insuffisant », never « < 5 »).
        let interne = try moteur.tableau(.annee(2025), diffusion: .interne)
        XCTAssertEqual(interne["1.7"]?.valeur, 16.8)
        XCTAssertEqual(interne["1.7"]?.statistique("mediane"), 15)
        XCTAssertTrue(t["x.delais"]?.repartition.contains { $0.retenue == .petitEffectif } ?? false)
        XCTAssertNil(t["1.7"]?.valeur)
        XCTAssertEqual(t["1.7"]?.valeurRetenue, .effectifInsuffisant)
        XCTAssertNil(t["1.7"]?.statistique("mediane"))
        XCTAssertEqual(t["1.7"]?.statistiques.first { $0.nom == "mediane" }?.retenue, .effectifInsuffisant)
        XCTAssertEqual(interne["1.7"]?.statistique("n"), 8)
        // No small count anywhere in the JSON, and no « < 5 » for what is not a count.
        let json = Restitution.json(t).texteCompact
        XCTAssertTrue(json.contains("\"< 5\""))
        let objet = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        var verifies = 0
        for i in try XCTUnwrap(objet["indicateurs"] as? [[String: Any]]) {
            let code = i["code"] as! String
            let indicateur = Requetes.integrees.first(where: { $0.code == code })!
            guard indicateur.secret else { continue }
            var nombres: [Any?] = [i["valeur"], i["numerateur"], i["denominateur"], (i["n_1"] as? [String: Any])?["valeur"]]
            nombres += ((i["repartition"] as? [[String: Any]]) ?? []).map { $0["n"] }
            let statistiques = (i["statistiques"] as? [String: Any]) ?? [:]
            // The statistics that are counts: those the query's `comptes` header names.
            let comptages = indicateur.comptes.champs.keys.filter { !["valeur", "numerateur", "denominateur"].contains($0) }
            nombres += comptages.map { statistiques[$0] }
            if indicateur.unite == .etp { nombres = [i["numerateur"], i["denominateur"]] + comptages.map { statistiques[$0] } }
            for case let x as Double in nombres {
                verifies += 1
                XCTAssertFalse(x >= 1 && x < 5, "\(code) : effectif \(x) non masqué")
            }
            for (nom, x) in statistiques where !comptages.contains(nom) {
                XCTAssertFalse((x as? String) == "< 5", "\(code) \(nom) n'est pas un effectif : jamais « < 5 »")
            }
            if indicateur.unite != .nombre { XCTAssertFalse((i["valeur"] as? String) == "< 5", code) }
        }
        XCTAssertGreaterThan(verifies, 30)
        XCTAssertEqual(try attaquer(moteur, .annee(2025)).map(\.description), [])
    }

    func testMasquageSecondaire() throws {
        let (_, moteur) = try preparer(seuil: 3)
        let t = try moteur.tableau(.annee(2025), diffusion: .externe)
        // x.type: information 3, orientation 1 (< 3), recherche 8, total 12: orientation alone
        // would be 12 − 3 − 8, so more lines are withheld as « secret » (a secret is at least the
        // threshold, which the audit knows: one may not be enough).
        let type = try XCTUnwrap(t["x.type"])
        XCTAssertEqual(type.repartition.map(\.cle), ["information", "orientation", "recherche_solution"])
        XCTAssertEqual(type.repartition[1].retenue, .petitEffectif)
        XCTAssertGreaterThanOrEqual(type.repartition.filter { $0.retenue == .secret }.count, 1)
        XCTAssertNil(type.repartition.first { $0.retenue == .secret }?.n)
        // x.niveau: 8 at level 1, 3 at level 2, 1 at level 3 (< 3): another one goes too; the
        // zero of « non renseigné » is never masked.
        let niveau = try XCTUnwrap(t["x.niveau"])
        XCTAssertEqual(niveau.repartition.map(\.cle), ["1", "2", "3", "non_renseigne"])
        XCTAssertEqual(niveau.repartition[2].retenue, .petitEffectif)
        XCTAssertGreaterThanOrEqual(niveau.repartition.filter { $0.retenue == .secret }.count, 1)
        XCTAssertEqual(niveau.repartition[3].n, 0, "un zéro n'est jamais masqué")
        // The protection holds for the whole table and its N-1, checked by the attacker.
        XCTAssertEqual(try attaquer(moteur, .annee(2025)).map(\.description), [])
        XCTAssertEqual(t.protection?.nonProtegees, 0)
        // Formats: « < 3 » for the small count, « secret » for the secondary one.
        let csv = Restitution.csv(t, configuration: moteur.configuration)
        XCTAssertTrue(csv.contains(";x.type;Sollicitations par type de demande;repartition;orientation;< 3;"))
        XCTAssertTrue(csv.contains(";x.type;Sollicitations par type de demande;repartition;") && csv.contains(";secret;"))
    }

    func testInterneMontreTout() throws {
        let (_, moteur) = try preparer()
        let t = try moteur.tableau(.annee(2025), diffusion: .interne)
        XCTAssertEqual(t["2.1"]?.valeur, 3)
        XCTAssertFalse(t.indicateurs.contains { $0.valeurMasquee || $0.repartition.contains(where: \.masquee) })
    }

    // MARK: - Formats

    func testJSONCommeLaSpec() throws {
        let (_, moteur) = try preparer()
        let t = try moteur.tableau(.annee(2025), diffusion: .interne)
        let json = Restitution.json(t).texteCompact
        let objet = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(json.utf8)) as? [String: Any])
        XCTAssertEqual((objet["periode"] as? [String: String])?["debut"], "2025-01-01")
        XCTAssertTrue(objet["territoire"] is NSNull)
        XCTAssertEqual(objet["diffusion"] as? String, "interne")
        let indicateurs = try XCTUnwrap(objet["indicateurs"] as? [[String: Any]])
        XCTAssertEqual(Array(indicateurs.prefix(15).compactMap { $0["code"] as? String }), Configuration.codesOfficiels)
        let i17 = try XCTUnwrap(indicateurs.first { $0["code"] as? String == "1.7" })
        XCTAssertEqual(i17["valeur"] as? Double, 16.8)
        XCTAssertEqual((i17["cible"] as? [String: Any])?["sens"] as? String, "<=")
        XCTAssertEqual(i17["atteinte"] as? Bool, true)
        let stats = try XCTUnwrap(i17["statistiques"] as? [String: Any])
        XCTAssertEqual(stats["n"] as? Int, 8)
        XCTAssertEqual(stats["mediane"] as? Int, 15)
        XCTAssertEqual(stats["p90"] as? Int, 36)
        XCTAssertEqual(stats["sans_proposition"] as? Int, 4)
        XCTAssertEqual((i17["repartition"] as? [Any])?.count, 0)
        let i11 = try XCTUnwrap(indicateurs.first { $0["code"] as? String == "1.1" })
        XCTAssertEqual((i11["repartition"] as? [[String: Any]])?.first?["cle"] as? String, "2025-01")
        for cle in ["code", "libelle", "valeur", "taux", "numerateur", "denominateur", "cible", "atteinte", "repartition"] {
            XCTAssertNotNil(i11[cle], cle)
        }
    }

    func testCSVPourLaConsolidationNationale() throws {
        let (_, moteur) = try preparer()
        let t = try moteur.tableau(.annee(2025), diffusion: .interne)
        let csv = Restitution.csv(t, configuration: moteur.configuration)
        let lignes = csv.split(separator: "\n").map(String.init)
        XCTAssertEqual(lignes[0], Restitution.colonnesCSV.joined(separator: ";"))
        // The eighteen first columns keep their place; the exchange format's columns follow.
        XCTAssertTrue(lignes.contains { $0.contains(";1.6;Nombre et taux de solutions d'accompagnement acceptées;total;;6;6;8;75;70;>=;oui;calcule;1;")
            && $0.hasSuffix(";\(Version.courante);5;nombre") }, csv)
        XCTAssertTrue(lignes.contains { $0.contains(";1.7;") && $0.contains(";statistique;mediane;15;") })
        XCTAssertTrue(lignes.contains { $0.contains(";1.2;") && $0.contains(";repartition;aidant;2;;12;16.7;") })
        XCTAssertTrue(lignes.allSatisfy { $0.split(separator: ";", omittingEmptySubsequences: false).count == Restitution.colonnesCSV.count }, "même nombre de colonnes partout")
        XCTAssertTrue(lignes.contains { $0.contains(";4.1;") && $0.contains(";total;;1.45;") }, "nombres machine, point décimal")
    }

    func testTableFrancaise() throws {
        let (_, moteur) = try preparer()
        let t = try moteur.tableau(.annee(2025), diffusion: .interne)
        let texte = Restitution.texte(t, nom: "C360 de test")
        XCTAssertTrue(texte.contains("75,0 % (6 / 8)"))
        XCTAssertTrue(texte.contains("16,8 j"))
        XCTAssertTrue(texte.contains("1,45 ETP"))
        XCTAssertTrue(texte.contains("≤ 30,0 j"))
        XCTAssertTrue(texte.contains("atteinte"))
        let vide = Restitution.texte(try moteur.tableau(.annee(2022), diffusion: .interne), nom: "C360 de test")
        XCTAssertTrue(vide.contains("n.c."))
    }
}
