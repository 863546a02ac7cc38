import Foundation
import XCTest
@testable import ObservatoireConsolidation
@testable import ObservatoireCore
@testable import ObservatoireIndicateurs
@testable import ObservatoireRapports

/// Hand-made exchange files, written here as a C360's `c360 indicateurs --diffusion externe`
/// would write them (or older files, or wrong ones), and their consolidation checked figure by
/// figure against values computed by hand below.
enum Echanges {
    /// One indicator as a file publishes it: every figure as the file writes it (« < 5 »,
    /// « secret », an empty cell for null).
    struct Ind {
        var code: String
        var statut = "calcule"
        var valeur = ""
        var num = ""
        var den = ""
        var taux = ""
        var cible = ""
        var sens = ""
        var atteinte = ""
        var stats: [(String, String)] = []
        var unite = "nombre"
        /// Why a null rate is withheld (JSON `taux_retenu`).
        var tauxRetenu: String? = nil
    }

    static func ligneCSV(_ champs: [String]) -> String { champs.joined(separator: ";") }

    /// A CSV exchange file; `version: nil` writes the eighteen columns of the exports before
    /// version 1.
    static func csv(c360: String, departement: String, annee: Int, diffusion: String = "externe", territoire: String = "",
                    extraction: String = "2026-01-10T08:00:00Z", version: Int? = 1, indicateurs: [Ind]) -> String {
        let colonnes = version == nil ? Array(Restitution.colonnesCSV.prefix(18)) : Restitution.colonnesCSV
        var lignes = [colonnes.joined(separator: ";")]
        for i in indicateurs {
            let debut = [c360, departement, "\(annee)-01-01", "\(annee)-12-31", territoire, diffusion, i.code, "Libellé \(i.code)"]
            let fin = version.map { [String($0), extraction, "0.1.0", "5", i.unite] } ?? []
            lignes.append(ligneCSV(debut + ["total", "", i.valeur, i.num, i.den, i.taux, i.cible, i.sens, i.atteinte, i.statut] + fin))
            for (nom, v) in i.stats {
                lignes.append(ligneCSV(debut + ["statistique", nom, v, "", "", "", "", "", "", ""] + fin))
            }
        }
        return lignes.joined(separator: "\n") + "\n"
    }

    static func json(c360: String, departement: String, annee: Int, diffusion: String = "externe",
                     extraction: String = "2026-01-10T08:00:00Z", version: Int? = 1, indicateurs: [Ind]) -> String {
        func f(_ s: String) -> String {
            if s.isEmpty { return "null" }
            if Double(s) != nil { return s }
            return "\"\(s)\""
        }
        let inds = indicateurs.map { i -> String in
            var o = "{\"code\":\"\(i.code)\",\"libelle\":\"Libellé \(i.code)\",\"statut\":\"\(i.statut)\",\"valeur\":\(f(i.valeur)),\"taux\":\(f(i.taux)),"
            o += "\"numerateur\":\(f(i.num)),\"denominateur\":\(f(i.den)),"
            o += "\"cible\":" + (i.cible.isEmpty ? "null" : "{\"valeur\":\(i.cible),\"sens\":\"\(i.sens)\"}") + ","
            o += "\"atteinte\":" + (i.atteinte.isEmpty ? "null" : (i.atteinte == "oui" ? "true" : "false"))
            if let r = i.tauxRetenu { o += ",\"taux_retenu\":\"\(r)\"" }
            if !i.stats.isEmpty { o += ",\"statistiques\":{" + i.stats.map { "\"\($0.0)\":\(f($0.1))" }.joined(separator: ",") + "}" }
            o += ",\"repartition\":[],\"territorial\":true,\"unite\":\"\(i.unite)\"}"
            return o
        }
        var entete = ""
        if let version { entete = "\"format\":\"c360-indicateurs\",\"version_format\":\(version),\"c360\":{\"nom\":\"\(c360)\",\"departement\":\"\(departement)\"},\"outil\":{\"nom\":\"c360\",\"version\":\"0.1.0\"}," }
        return "{\(entete)\"periode\":{\"debut\":\"\(annee)-01-01\",\"fin\":\"\(annee)-12-31\"},\"territoire\":null,\"diffusion\":\"\(diffusion)\",\"extraction\":\"\(extraction)\",\"seuil\":5,\"indicateurs\":[\(inds.joined(separator: ","))]}\n"
    }

    /// Writes a file and, unless told otherwise, its `.sha256` sidecar.
    @discardableResult
    static func ecrire(_ texte: String, _ nom: String, dans dossier: URL, empreinte: Bool = true) throws -> URL {
        try FileManager.default.createDirectory(at: dossier, withIntermediateDirectories: true)
        let url = dossier.appendingPathComponent(nom)
        try Data(texte.utf8).write(to: url)
        if empreinte {
            try Data(Empreinte.ligne(Empreinte.sha256(Data(texte.utf8)), nom: nom).utf8).write(to: URL(fileURLWithPath: url.path + ".sha256"))
        }
        return url
    }

    // MARK: The four C360s of the Hauts-de-France (2025), and two of them in 2024

    /// Alpha (59): everything published.
    static let alpha2025: [Ind] = [
        Ind(code: "1.1", valeur: "120"),
        Ind(code: "1.4", valeur: "40", num: "40", den: "100", taux: "40"),
        Ind(code: "1.6", valeur: "60", num: "60", den: "80", taux: "75", cible: "70", sens: ">=", atteinte: "oui"),
        Ind(code: "1.7", valeur: "20.5", cible: "30", sens: "<=", atteinte: "oui", stats: [("n", "50"), ("moyenne", "20.5")], unite: "jours"),
        Ind(code: "2.1", valeur: "12"),
        Ind(code: "3.1", valeur: "30", num: "30", den: "50", taux: "60"),
        Ind(code: "4.1", valeur: "2.5", unite: "etp"),
    ]
    /// Beta (62), JSON, with masked cells: 1.4's numerator (truly 3) and 2.1 (truly 2).
    static let beta2025: [Ind] = [
        Ind(code: "1.1", valeur: "45"),
        Ind(code: "1.4", statut: "masque", valeur: "< 5", num: "< 5", den: "20", taux: "", tauxRetenu: "effectif_insuffisant"),
        Ind(code: "1.6", valeur: "15", num: "15", den: "18", taux: "83.3", cible: "70", sens: ">=", atteinte: "oui"),
        Ind(code: "1.7", valeur: "12", stats: [("n", "18"), ("moyenne", "12")], unite: "jours"),
        Ind(code: "2.1", statut: "masque", valeur: "< 5"),
        Ind(code: "3.1", valeur: "6", num: "6", den: "10", taux: "60"),
        Ind(code: "4.1", valeur: "1.2", unite: "etp"),
    ]
    static let secretsBeta = ["1.4.numerateur": 3.0, "1.4.valeur": 3.0, "2.1.valeur": 2.0]
    /// Gamma (80): 3.1 not collected.
    static let gamma2025: [Ind] = [
        Ind(code: "1.1", valeur: "80"),
        Ind(code: "1.4", valeur: "20", num: "20", den: "50", taux: "40"),
        Ind(code: "1.6", valeur: "30", num: "30", den: "50", taux: "60", cible: "70", sens: ">=", atteinte: "non"),
        Ind(code: "1.7", valeur: "35", stats: [("n", "25"), ("moyenne", "35")], unite: "jours"),
        Ind(code: "2.1", valeur: "7"),
        Ind(code: "3.1", statut: "non_collecte"),
        Ind(code: "4.1", valeur: "1", unite: "etp"),
    ]
    /// Delta (02): a file from before version 1 (no version, no fingerprint), a secondary
    /// suppression on 2.1 (truly 9).
    static let delta2025: [Ind] = [
        Ind(code: "1.1", valeur: "200"),
        Ind(code: "1.4", valeur: "90", num: "90", den: "150", taux: "60"),
        Ind(code: "1.6", valeur: "100", num: "100", den: "125", taux: "80"),
        Ind(code: "1.7", valeur: "25", stats: [("n", "40"), ("moyenne", "25")]),
        Ind(code: "2.1", statut: "masque", valeur: "secret"),
        Ind(code: "3.1", valeur: "50", num: "50", den: "100", taux: "50"),
        Ind(code: "4.1", valeur: "3"),
    ]
    static let secretsDelta = ["2.1.valeur": 9.0]
    static let alpha2024: [Ind] = [
        Ind(code: "1.1", valeur: "100"),
        Ind(code: "1.4", valeur: "30", num: "30", den: "90", taux: "33.3"),
        Ind(code: "1.6", valeur: "50", num: "50", den: "80", taux: "62.5", cible: "70", sens: ">=", atteinte: "non"),
        Ind(code: "2.1", statut: "masque", valeur: "< 5"),
    ]
    static let beta2024: [Ind] = [
        Ind(code: "1.1", valeur: "40"),
        Ind(code: "1.4", valeur: "5", num: "5", den: "15", taux: "33.3"),
        Ind(code: "1.6", valeur: "10", num: "10", den: "16", taux: "62.5", cible: "70", sens: ">=", atteinte: "non"),
        Ind(code: "2.1", valeur: "6"),
    ]

    /// The folder the tests consolidate: the four C360s (one of them twice, the older copy set
    /// aside), two files of 2024, an internal file, a file altered after its export.
    static func dossierHautsDeFrance() throws -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("c360-consolidation-\(UUID().uuidString)")
        try ecrire(csv(c360: "C360 Alpha", departement: "59", annee: 2025, indicateurs: alpha2025), "alpha-2025.csv", dans: d)
        try ecrire(json(c360: "C360 Beta", departement: "62", annee: 2025, indicateurs: beta2025), "beta-2025.json", dans: d)
        try ecrire(csv(c360: "C360 Gamma", departement: "80", annee: 2025, indicateurs: gamma2025), "gamma-2025.csv", dans: d)
        try ecrire(csv(c360: "C360 Delta", departement: "2", annee: 2025, version: nil, indicateurs: delta2025), "delta-2025.csv", dans: d, empreinte: false)
        try ecrire(csv(c360: "C360 Alpha", departement: "59", annee: 2024, indicateurs: alpha2024), "alpha-2024.csv", dans: d.appendingPathComponent("2024"))
        try ecrire(json(c360: "C360 Beta", departement: "62", annee: 2024, indicateurs: beta2024), "beta-2024.json", dans: d.appendingPathComponent("2024"))
        // A first send of Alpha, extracted earlier, with other figures: the later one is kept.
        var ancien = alpha2025
        ancien[0].valeur = "999"
        try ecrire(csv(c360: "C360 Alpha", departement: "59", annee: 2025, extraction: "2026-01-02T08:00:00Z", indicateurs: ancien), "alpha-2025-premier-envoi.csv", dans: d)
        // An internal export of the Oise: small counts in it; refused.
        try ecrire(json(c360: "C360 Oise", departement: "60", annee: 2025, diffusion: "interne",
                        indicateurs: [Ind(code: "1.1", valeur: "3"), Ind(code: "2.1", valeur: "1")]), "oise-2025-interne.json", dans: d)
        return d
    }
}

final class ConsolidationTests: XCTestCase {
    var dossiers: [URL] = []

    override func tearDown() {
        for d in dossiers { try? FileManager.default.removeItem(at: d) }
        dossiers = []
    }

    func dossierHDF() throws -> URL {
        let d = try Echanges.dossierHautsDeFrance()
        dossiers.append(d)
        return d
    }

    func consolider(_ d: URL, region: String? = "32", periode: Periode? = nil) throws -> Consolidation {
        try Consolidateur.consolider(LectureEchange.lire([d]), options: OptionsConsolidation(region: region, periode: periode))
    }

    func ligne(_ i: IndicateurConsolide?, _ departement: String) -> LigneConsolidee? {
        i?.lignes.first { $0.departement.code == departement }
    }

    // MARK: - Every consolidated figure, against values computed by hand

    func testChaqueChiffreConsolideCalculeALaMain() throws {
        let c = try consolider(try dossierHDF())
        XCTAssertEqual(c.perimetre, .region(code: "32", nom: "Hauts-de-France"))
        XCTAssertEqual(c.periode, .annee(2025), "la période la plus récente des fichiers")
        XCTAssertEqual(c.participants.map(\.departement.code), ["02", "59", "60", "62", "80"], "les cinq départements de la région")
        XCTAssertEqual(c.c360.map(\.departement.code), ["02", "59", "62", "80"])
        XCTAssertEqual(c.avecPrecedent, 2)
        XCTAssertNil(c.participants.first { $0.departement.code == "60" }?.fichier, "l'export interne de l'Oise n'est pas consolidé")
        XCTAssertEqual(c.participants.first { $0.departement.code == "59" }?.fichier?.nom, "alpha-2025.csv", "le plus récemment extrait")

        // 1.1, a count: 120 + 45 + 80 + 200.
        let i11 = try XCTUnwrap(c["1.1"])
        XCTAssertFalse(i11.aUnTaux)
        XCTAssertEqual(i11.ensemble.valeur, 445)
        XCTAssertEqual(i11.ensemble.couvertureValeur, ["02", "59", "62", "80"])
        // N-1 at constant perimeter (Alpha and Beta): 165 against 140, +17,9 %.
        XCTAssertEqual(i11.ensembleNConstant?.valeur, 165)
        XCTAssertEqual(i11.ensembleN1Constant?.valeur, 140)
        XCTAssertEqual(try XCTUnwrap(i11.evolutionEnsemble), 17.9, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(ligne(i11, "59")?.evolution), 20, accuracy: 1e-9, "Alpha : 120 contre 100")
        XCTAssertNil(ligne(i11, "80")?.evolution, "pas de fichier 2024 pour Gamma")
        XCTAssertEqual(ligne(i11, "02")?.rang, 1)
        XCTAssertEqual(ligne(i11, "62")?.rang, 4)

        // 1.4, a rate whose numerator Beta masks: Alpha, Gamma and Delta only, 150 / 300.
        let i14 = try XCTUnwrap(c["1.4"])
        XCTAssertTrue(i14.aUnTaux)
        XCTAssertEqual(i14.ensemble.numerateur, 150)
        XCTAssertEqual(i14.ensemble.denominateur, 300)
        XCTAssertEqual(i14.ensemble.taux, 50)
        XCTAssertEqual(i14.ensemble.couvertureTaux, ["02", "59", "80"])
        XCTAssertEqual(i14.ensemble.valeur, 150, "valeur : la somme des valeurs publiées (Beta « < 5 » hors somme)")
        XCTAssertEqual(i14.ensemble.couvertureValeur, ["02", "59", "80"])
        XCTAssertNil(ligne(i14, "62")?.mesure)
        XCTAssertNil(ligne(i14, "62")?.rang, "un chiffre masqué n'est pas classé")
        XCTAssertEqual(ligne(i14, "02")?.rang, 1)
        XCTAssertEqual(ligne(i14, "59")?.rang, 2, "40 % et 40 % : même rang")
        XCTAssertEqual(ligne(i14, "80")?.rang, 2)
        XCTAssertEqual(i14.distribution?.n, 3)
        XCTAssertEqual(i14.distribution?.mediane, 40)
        // Constant perimeter: Alpha only (Beta's 2025 numerator is masked): 40 % against 33,3 %.
        XCTAssertEqual(i14.ensembleNConstant?.couvertureTaux, ["59"])
        XCTAssertEqual(i14.ensembleN1Constant?.taux, 33.3)
        XCTAssertEqual(try XCTUnwrap(i14.evolutionEnsemble), 6.7, accuracy: 1e-9)

        // 1.6: (60 + 15 + 30 + 100) / (80 + 18 + 50 + 125) = 205 / 273 = 75,09… → 75,1 %.
        let i16 = try XCTUnwrap(c["1.6"])
        XCTAssertEqual(i16.ensemble.numerateur, 205)
        XCTAssertEqual(i16.ensemble.denominateur, 273)
        XCTAssertEqual(i16.ensemble.taux, 75.1)
        XCTAssertEqual(i16.ensemble.couvertureTaux.count, 4)
        // Rates 60, 75, 80, 83,3: median 77,5 ; Q1 = 60 + 0,75 × 15 = 71,25 ; Q3 = 80 + 0,25 × 3,3 = 80,825.
        let d16 = try XCTUnwrap(i16.distribution)
        XCTAssertEqual(d16.n, 4)
        XCTAssertEqual(d16.minimum, 60)
        XCTAssertEqual(d16.maximum, 83.3)
        XCTAssertEqual(d16.mediane, 77.5, accuracy: 1e-9)
        XCTAssertEqual(d16.q1, 71.25, accuracy: 1e-9)
        XCTAssertEqual(d16.q3, 80.825, accuracy: 1e-9)
        XCTAssertEqual(["62", "02", "59", "80"].map { ligne(i16, $0)?.rang }, [1, 2, 3, 4])
        XCTAssertEqual(i16.cibleCommune, Cible(valeur: 70, sens: .auMoins), "Delta n'a pas de cible ; les trois autres ont la même")
        XCTAssertEqual(ligne(i16, "80")?.indicateur?.atteinte, false)
        // Constant perimeter Alpha + Beta: 75 / 98 = 76,5 % against 60 / 96 = 62,5 %: +14 points.
        XCTAssertEqual(i16.ensembleNConstant?.taux, 76.5)
        XCTAssertEqual(i16.ensembleN1Constant?.taux, 62.5)
        XCTAssertEqual(try XCTUnwrap(i16.evolutionEnsemble), 14, accuracy: 1e-9)
        XCTAssertEqual(try XCTUnwrap(ligne(i16, "59")?.evolution), 12.5, accuracy: 1e-9, "75 % contre 62,5 %, en points")
        XCTAssertEqual(try XCTUnwrap(ligne(i16, "62")?.evolution), 20.8, accuracy: 1e-9)

        // 1.7, a mean delay pooled with its counts: (20,5×50 + 12×18 + 35×25 + 25×40) / 133 = 3 116 / 133 = 23,43 → 23,4.
        let i17 = try XCTUnwrap(c["1.7"])
        XCTAssertEqual(i17.unite, .jours)
        XCTAssertEqual(i17.ensemble.valeur, 23.4)
        XCTAssertEqual(i17.ensemble.couvertureValeur.count, 4)
        XCTAssertEqual(i17.distribution?.mediane, 22.75, "médiane de 12 ; 20,5 ; 25 ; 35")
        XCTAssertEqual(i17.cibleCommune, Cible(valeur: 30, sens: .auPlus), "la seule cible présente (Alpha) est celle de toutes les C360 qui en ont une")

        // 2.1, a count masked by Beta (« < 5 ») and by Delta (« secret »): 12 + 7 over two C360s.
        let i21 = try XCTUnwrap(c["2.1"])
        XCTAssertEqual(i21.ensemble.valeur, 19)
        XCTAssertEqual(i21.ensemble.couvertureValeur, ["59", "80"])
        XCTAssertNil(i21.ensembleNConstant, "Alpha masqué en 2024, Beta masqué en 2025 : aucune C360 publiée les deux années")
        XCTAssertNil(i21.evolutionEnsemble)

        // 3.1, not collected by Gamma: (30 + 6 + 50) / (50 + 10 + 100) = 86 / 160 = 53,75 → 53,8 %.
        let i31 = try XCTUnwrap(c["3.1"])
        XCTAssertEqual(i31.ensemble.taux, 53.8)
        XCTAssertEqual(i31.ensemble.couvertureTaux, ["02", "59", "62"])
        XCTAssertEqual(ligne(i31, "80")?.indicateur?.statut, .nonCollecte)
        XCTAssertNil(ligne(i31, "80")?.mesure)

        // 4.1, ETP: 2,5 + 1,2 + 1 + 3 = 7,7.
        let i41 = try XCTUnwrap(c["4.1"])
        XCTAssertEqual(try XCTUnwrap(i41.ensemble.valeur), 7.7, accuracy: 1e-9)
        XCTAssertEqual(i41.unite, .etp)

        // The spread of every indicator (QUARTILE.INCLURE), computed by hand from the published figures.
        let attendues: [String: [Double]] = [
            "1.1": [45, 71.25, 100, 140, 200],            // 45 ; 80 ; 120 ; 200
            "1.4": [40, 40, 40, 50, 60],                  // 40 ; 40 ; 60 (Beta masqué)
            "1.6": [60, 71.25, 77.5, 80.825, 83.3],
            "1.7": [12, 18.375, 22.75, 27.5, 35],         // 12 ; 20,5 ; 25 ; 35
            "2.1": [7, 8.25, 9.5, 10.75, 12],             // 7 ; 12 (Beta et Delta masqués)
            "3.1": [50, 55, 60, 60, 60],                  // 50 ; 60 ; 60 (Gamma non collecté)
            "4.1": [1, 1.15, 1.85, 2.625, 3],             // 1 ; 1,2 ; 2,5 ; 3
        ]
        for (code, a) in attendues {
            let d = try XCTUnwrap(c[code]?.distribution, code)
            for (x, y) in zip([d.minimum, d.q1, d.mediane, d.q3, d.maximum], a) { XCTAssertEqual(x, y, accuracy: 1e-9, code) }
        }
        XCTAssertEqual(c.indicateurs.map(\.code), ["1.1", "1.4", "1.6", "1.7", "2.1", "3.1", "4.1"], "l'ordre du catalogue")
    }

    // MARK: - Files set aside, with their reason

    func testFichiersEcartesEtRemarques() throws {
        let c = try consolider(try dossierHDF())
        let parNom = Dictionary(uniqueKeysWithValues: c.ecartes.map { ($0.nom, $0) })
        let interne = try XCTUnwrap(parNom["oise-2025-interne.json"])
        XCTAssertEqual(interne.motif, .refuse)
        XCTAssertTrue(interne.raison.contains("export interne"), interne.raison)
        XCTAssertTrue(interne.raison.contains("petits effectifs"), interne.raison)
        XCTAssertTrue(interne.conseil?.contains("--diffusion externe") ?? false)
        let doublon = try XCTUnwrap(parNom["alpha-2025-premier-envoi.csv"])
        XCTAssertEqual(doublon.motif, .doublon)
        XCTAssertTrue(doublon.raison.contains("« alpha-2025.csv »") && doublon.raison.contains("plus récemment"), doublon.raison)
        XCTAssertEqual(c.ecartes.count, 2, "\(c.ecartes)")
        XCTAssertEqual(c["1.1"]?.ensemble.valeur, 445, "les 999 du premier envoi ne sont pas comptés")
        // Delta: an older format, read with a remark; no fingerprint beside it.
        let delta = try XCTUnwrap(c.participants.first { $0.departement.code == "02" }?.fichier)
        XCTAssertNil(delta.versionFormat)
        XCTAssertNil(delta.extraction)
        XCTAssertFalse(delta.empreinteVerifiee)
        XCTAssertTrue(delta.avertissements.contains { $0.contains("d'avant la version 1") }, "\(delta.avertissements)")
        XCTAssertTrue(delta.avertissements.contains { $0.contains("sans empreinte") })
        let alpha = try XCTUnwrap(c.participants.first { $0.departement.code == "59" }?.fichier)
        XCTAssertEqual(alpha.versionFormat, 1)
        XCTAssertTrue(alpha.empreinteVerifiee)
        XCTAssertTrue(alpha.avertissements.isEmpty)
        // Beta (JSON): its withheld figures are words, never numbers.
        let beta = try XCTUnwrap(c.participants.first { $0.departement.code == "62" }?.fichier)
        XCTAssertEqual(beta.format, .json)
        XCTAssertEqual(beta["1.4"]?.numerateur, .retenue(.petitEffectif))
        XCTAssertEqual(beta["1.4"]?.taux, .retenue(.effectifInsuffisant), "taux null avec son taux_retenu")
        XCTAssertEqual(beta["1.4"]?.denominateur, .nombre(20))
        XCTAssertEqual(beta["2.1"]?.valeur, .retenue(.petitEffectif))
        XCTAssertEqual(c.participants.first { $0.departement.code == "02" }?.fichier?["2.1"]?.valeur, .retenue(.secret))
    }

    func testDeuxFichiersDifferentsSansDateDExtractionAucunNEstGarde() throws {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("c360-consolidation-\(UUID().uuidString)")
        dossiers.append(d)
        try Echanges.ecrire(Echanges.csv(c360: "C360 Delta", departement: "02", annee: 2025, version: nil, indicateurs: Echanges.delta2025), "a.csv", dans: d, empreinte: false)
        var autre = Echanges.delta2025
        autre[0].valeur = "201"
        try Echanges.ecrire(Echanges.csv(c360: "C360 Delta", departement: "02", annee: 2025, version: nil, indicateurs: autre), "b.csv", dans: d, empreinte: false)
        // A copy of the same bytes counts once.
        try Echanges.ecrire(Echanges.csv(c360: "C360 Alpha", departement: "59", annee: 2025, indicateurs: Echanges.alpha2025), "alpha.csv", dans: d)
        try Echanges.ecrire(Echanges.csv(c360: "C360 Alpha", departement: "59", annee: 2025, indicateurs: Echanges.alpha2025), "alpha-copie.csv", dans: d)
        let c = try consolider(d)
        XCTAssertNil(c.participants.first { $0.departement.code == "02" }?.fichier, "impossible de savoir lequel garder : aucun")
        // The copy is the later name in path order (alpha-copie.csv < alpha.csv: « alpha.csv » is the copy).
        XCTAssertEqual(Set(c.ecartes.filter { $0.motif == .doublon }.map(\.nom)), ["a.csv", "b.csv", "alpha.csv"])
        XCTAssertTrue(c.ecartes.contains { $0.nom == "b.csv" && $0.raison.contains("aucun n'est consolidé") })
        XCTAssertTrue(c.ecartes.contains { $0.nom == "a.csv" && $0.raison.contains("aucun n'est consolidé") })
        XCTAssertTrue(c.ecartes.contains { $0.raison.contains("copie à l'identique") && $0.motif == .doublon })
        XCTAssertEqual(c["1.1"]?.ensemble.valeur, 120, "Alpha compté une fois")
    }

    func testRegionPeriodeEtPerimetre() throws {
        let d = try dossierHDF()
        try Echanges.ecrire(Echanges.csv(c360: "C360 de Paris", departement: "75", annee: 2025, indicateurs: [Echanges.Ind(code: "1.1", valeur: "1000")]), "paris.csv", dans: d)
        let nationale = try consolider(d, region: nil)
        XCTAssertEqual(nationale.perimetre, .national)
        XCTAssertEqual(nationale.participants.count, 101)
        XCTAssertEqual(nationale.c360.count, 5)
        XCTAssertEqual(nationale["1.1"]?.ensemble.valeur, 1_445)
        let region = try consolider(d, region: "32")
        XCTAssertEqual(region["1.1"]?.ensemble.valeur, 445)
        XCTAssertTrue(region.ecartes.contains { $0.nom == "paris.csv" && $0.motif == .horsPerimetre })
        XCTAssertFalse(region.ecartes.first { $0.nom == "paris.csv" }?.estUnProbleme ?? true)
        // The year before, asked: the 2025 files are another period, not errors.
        let avant = try consolider(d, periode: .annee(2024))
        XCTAssertEqual(avant.c360.map(\.departement.code), ["59", "62"])
        XCTAssertEqual(avant["1.1"]?.ensemble.valeur, 140)
        XCTAssertEqual(avant.avecPrecedent, 0)
        XCTAssertTrue(avant.ecartes.contains { $0.nom == "gamma-2025.csv" && $0.motif == .autrePeriode })
        // A consolidated table left in the folder by an earlier run is set aside without complaint.
        try Data(SortieCSV.texte(region).utf8).write(to: d.appendingPathComponent("consolidation").appendingPathExtension("csv"))
        let encore = try consolider(d, region: "32")
        let tableau = try XCTUnwrap(encore.ecartes.first { $0.nom == "consolidation.csv" })
        XCTAssertEqual(tableau.motif, .tableauConsolide)
        XCTAssertFalse(tableau.estUnProbleme)
        XCTAssertEqual(encore["1.1"]?.ensemble.valeur, 445)
        XCTAssertThrowsError(try consolider(d, region: "99")) { e in
            XCTAssertEqual((e as? ErreurObservatoire)?.code, .usage)
            XCTAssertTrue((e as? ErreurObservatoire)?.conseil?.contains("32 Hauts-de-France") ?? false)
        }
        XCTAssertThrowsError(try consolider(d, periode: .annee(2019))) { e in
            XCTAssertEqual((e as? ErreurObservatoire)?.code, .donneesIllisibles)
        }
    }

    // MARK: - No masked value can be recovered

    /// The attacker (``Echanges/AttaqueCSV``) knows every C360's published figures and every
    /// consolidated figure (read from the consolidated CSV, as anyone receiving it would), and
    /// subtracts. A consolidation that put a masked figure in a total would give it back.
    func testAucunChiffreMasqueNePeutEtreRetrouve() throws {
        let c = try consolider(try dossierHDF())
        let csv = SortieCSV.texte(c)
        let attaque = Echanges.AttaqueCSV(c, csv: csv)
        let secrets: [String: [String: Double]] = ["62": Echanges.secretsBeta, "02": Echanges.secretsDelta]
        var essais = 0
        for (departement, cellules) in secrets {
            for (cle, vrai) in cellules {
                guard let reste = attaque.soustraire(cle, departement) else { continue }
                essais += 1
                XCTAssertNotEqual(reste, vrai, "\(cle) de \(departement) retrouvé par différence")
                XCTAssertEqual(reste, 0, accuracy: 1e-9, "\(cle) : le total ne contient que des chiffres publiés")
            }
        }
        XCTAssertEqual(essais, 4, "1.4 (valeur, numérateur) de Beta, 2.1 de Beta et de Delta")
        // Every consolidated figure is a sum over C360s that all publish it, and says which.
        for i in c.indicateurs {
            for d in i.ensemble.couvertureValeur {
                let x = try XCTUnwrap(i.lignes.first { $0.departement.code == d }?.indicateur)
                XCTAssertNotNil(x.valeur.nombre, "\(i.code) : \(d) couverte mais sa valeur n'est pas publiée")
            }
            for d in i.ensemble.couvertureTaux {
                let x = try XCTUnwrap(i.lignes.first { $0.departement.code == d }?.indicateur)
                XCTAssertTrue(x.numerateur.nombre != nil && x.denominateur.nombre != nil, "\(i.code) : \(d)")
            }
            // Rank, spread and map only see published figures.
            XCTAssertEqual(i.distribution?.n ?? 0, i.lignes.filter { $0.mesure != nil }.count)
            for l in i.lignes where l.mesure == nil { XCTAssertNil(l.rang) }
        }
        XCTAssertEqual(c["2.1"]?.distribution?.minimum, 7)
        XCTAssertEqual(c["2.1"]?.distribution?.maximum, 12)
        // The consolidated CSV writes Beta's figures as published.
        let lignesCSV = csv.split(separator: "\n").map(String.init)
        XCTAssertTrue(lignesCSV.contains { $0.contains(";c360;62;C360 Beta;1.4;") && $0.contains(";masque;< 5;< 5;20;effectif insuffisant;") }, csv)
        XCTAssertTrue(lignesCSV.contains { $0.contains(";ensemble;;;2.1;") && $0.contains(";consolide;19;") && $0.hasSuffix(";2;;4;7;8.25;9.5;10.75;12") }, csv)

        // The attacker is not blind: a naive consolidation that counted the true figures would
        // give Beta's numerator of 1.4 back.
        var naif = attaque
        naif.ensembles["1.4.numerateur"] = 150 + 3
        XCTAssertEqual(naif.soustraire("1.4.numerateur", "62"), 3)
    }

    // MARK: - Reading: formats and refusals

    func refus(_ texte: String, nom: String = "f.csv", empreinte: Bool = true, octets: [UInt8]? = nil,
               file: StaticString = #filePath, line: UInt = #line) throws -> FichierEcarte? {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("c360-refus-\(UUID().uuidString)")
        dossiers.append(d)
        if let octets {
            try FileManager.default.createDirectory(at: d, withIntermediateDirectories: true)
            try Data(octets).write(to: d.appendingPathComponent(nom))
        } else {
            try Echanges.ecrire(texte, nom, dans: d, empreinte: empreinte)
        }
        let lot = LectureEchange.lire([d])
        XCTAssertTrue(lot.fichiers.isEmpty, "refusé", file: file, line: line)
        return lot.ecartes.first
    }

    func testFichiersRefusesAvecUnMessageClair() throws {
        let alpha = Echanges.alpha2025
        let cas: [(String, String, String)] = [
            // (what, file, expected words)
            ("interne", Echanges.csv(c360: "C", departement: "59", annee: 2025, diffusion: "interne", indicateurs: alpha), "export interne"),
            ("territoire", Echanges.csv(c360: "C", departement: "59", annee: 2025, territoire: "Ternois", indicateurs: alpha), "un seul territoire"),
            ("département", Echanges.csv(c360: "C", departement: "99", annee: 2025, indicateurs: alpha), "département inconnu"),
            ("version future", Echanges.csv(c360: "C", departement: "59", annee: 2025, version: 2, indicateurs: alpha), "plus récente"),
            ("JSON sans version", Echanges.json(c360: "C", departement: "59", annee: 2025, version: nil, indicateurs: alpha), "d'avant la version 1"),
            ("JSON interne sans version", Echanges.json(c360: "C", departement: "59", annee: 2025, diffusion: "interne", version: nil, indicateurs: alpha), "export interne"),
            ("négatif", Echanges.csv(c360: "C", departement: "59", annee: 2025, indicateurs: [Echanges.Ind(code: "1.1", valeur: "-4")]), "valeur négative"),
            ("taux", Echanges.csv(c360: "C", departement: "59", annee: 2025, indicateurs: [Echanges.Ind(code: "1.4", valeur: "4", num: "4", den: "3", taux: "133.3")]), "pourcentage"),
            ("num > den", Echanges.csv(c360: "C", departement: "59", annee: 2025, indicateurs: [Echanges.Ind(code: "1.4", valeur: "40", num: "40", den: "30", taux: "13")]), "numérateur supérieur"),
            ("mot inconnu", Echanges.csv(c360: "C", departement: "59", annee: 2025, indicateurs: [Echanges.Ind(code: "2.1", valeur: "environ 3")]), "ni un nombre"),
            ("JSON tronqué", String(Echanges.json(c360: "C", departement: "59", annee: 2025, indicateurs: alpha).prefix(200)), "JSON lisible"),
            ("pas un échange", "nom;telephone;commentaire\nMme Quintinvaldo;06 98 76 54 32;rappeler\n", "colonne(s) absente(s)"),
            ("vide", "", "vide"),
            ("deux C360", Echanges.csv(c360: "C", departement: "59", annee: 2025, indicateurs: alpha)
                + Echanges.csv(c360: "D", departement: "62", annee: 2025, indicateurs: alpha).split(separator: "\n").dropFirst().joined(separator: "\n") + "\n",
             "une C360 et qu'une période"),
            ("statut", Echanges.csv(c360: "C", departement: "59", annee: 2025, indicateurs: [Echanges.Ind(code: "1.1", statut: "presque", valeur: "4")]), "statut inconnu"),
        ]
        for (quoi, texte, attendu) in cas {
            let e = try XCTUnwrap(try refus(texte), quoi)
            XCTAssertEqual(e.motif, .refuse, quoi)
            XCTAssertTrue(e.raison.contains(attendu), "\(quoi) : \(e.raison)")
            XCTAssertFalse(e.raison.contains("environ") || e.raison.contains("Quintinvaldo") || e.raison.contains("06 98"), "\(quoi) : aucune valeur citée")
            XCTAssertFalse((e.conseil ?? "").isEmpty, quoi)
        }
        // A file changed after its export (one figure edited by hand): its fingerprint no longer matches.
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("c360-refus-\(UUID().uuidString)")
        dossiers.append(d)
        let url = try Echanges.ecrire(Echanges.csv(c360: "C", departement: "59", annee: 2025, indicateurs: alpha), "modifie.csv", dans: d)
        let modifie = try String(contentsOf: url, encoding: .utf8).replacingOccurrences(of: ";120;", with: ";121;")
        try Data(modifie.utf8).write(to: url)
        let lot = LectureEchange.lire([d])
        XCTAssertTrue(lot.fichiers.isEmpty)
        XCTAssertTrue(lot.ecartes.first?.raison.contains("ne correspond pas") ?? false, "\(lot.ecartes)")
        // Windows-1252 (a file saved again by a spreadsheet).
        let latin1 = try XCTUnwrap(try refus("", nom: "latin.csv", octets: Array("c360;d\u{E9}partement\n".data(using: .isoLatin1)!)))
        XCTAssertTrue(latin1.raison.contains("UTF-8"), latin1.raison)
    }

    func testLiensEtFichiersSpeciauxJamaisOuverts() throws {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("c360-liens-\(UUID().uuidString)")
        dossiers.append(d)
        let ailleurs = try Echanges.ecrire(Echanges.csv(c360: "C360 Alpha", departement: "59", annee: 2025, indicateurs: Echanges.alpha2025), "alpha.csv",
                                           dans: d.appendingPathComponent("ailleurs"))
        let envois = d.appendingPathComponent("envois")
        try FileManager.default.createDirectory(at: envois, withIntermediateDirectories: true)
        try FileManager.default.createSymbolicLink(atPath: envois.appendingPathComponent("lien.csv").path, withDestinationPath: ailleurs.path)
        XCTAssertEqual(mkfifo(envois.appendingPathComponent("tube.json").path, 0o600), 0)
        try Echanges.ecrire(Echanges.csv(c360: "C360 Gamma", departement: "80", annee: 2025, indicateurs: Echanges.gamma2025), "gamma.csv", dans: envois)
        let lot = LectureEchange.lire([envois])
        XCTAssertEqual(lot.fichiers.map(\.nom), ["gamma.csv"])
        let parNom = Dictionary(uniqueKeysWithValues: lot.ecartes.map { ($0.nom, $0.raison) })
        XCTAssertTrue(parNom["lien.csv"]?.contains("lien symbolique") ?? false, "\(parNom)")
        XCTAssertTrue(parNom["tube.json"]?.contains("pas un fichier ordinaire") ?? false, "\(parNom)")
        // A link named on the command line is refused too (never followed).
        let direct = LectureEchange.lire([envois.appendingPathComponent("lien.csv")])
        XCTAssertTrue(direct.fichiers.isEmpty)
        XCTAssertTrue(direct.ecartes.first?.raison.contains("lien symbolique") ?? false, "\(direct.ecartes)")
    }
}

extension Echanges {
    /// What an attacker reads: every C360's published figures (from the files as consolidated)
    /// and the consolidated figures (from the consolidated CSV).
    struct AttaqueCSV {
        var publies: [String: [String: Double]] = [:]
        var ensembles: [String: Double] = [:]

        init(_ c: Consolidation, csv: String) {
            for p in c.c360 {
                for i in p.fichier!.indicateurs {
                    for (champ, f) in [("valeur", i.valeur), ("numerateur", i.numerateur), ("denominateur", i.denominateur)] {
                        if let x = f.nombre { publies["\(i.code).\(champ)", default: [:]][p.departement.code] = x }
                    }
                }
            }
            let lignes = csv.split(separator: "\n").map { $0.split(separator: ";", omittingEmptySubsequences: false).map(String.init) }
            let entete = lignes[0]
            func k(_ n: String) -> Int { entete.firstIndex(of: n)! }
            for l in lignes.dropFirst() where l[k("niveau")] == "ensemble" {
                for champ in ["valeur", "numerateur", "denominateur"] {
                    if let x = Double(l[k(champ)]) { ensembles["\(l[k("code")]).\(champ)"] = x }
                }
            }
        }

        func soustraire(_ cle: String, _ departement: String) -> Double? {
            guard let total = ensembles[cle] else { return nil }
            return total - (publies[cle] ?? [:]).filter { $0.key != departement }.values.reduce(0, +)
        }
    }
}
