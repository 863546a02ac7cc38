import Foundation
import XCTest
@testable import ObservatoireCore
@testable import ObservatoireIndicateurs
@testable import ObservatoireRapports
@testable import ObservatoireStore

/// The catalogue of indicators (the headers of `Queries/`) and the plans of `Reports/`.
final class CatalogueTests: XCTestCase {
    static let racine = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

    func testLeCatalogueDecritChaqueIndicateur() throws {
        let c = Catalogue.integre
        XCTAssertEqual(c.indicateurs.count, 23)
        XCTAssertEqual(Set(c.indicateurs.map(\.libelleCourt)).count, c.indicateurs.count, "un nom court par indicateur, jamais deux fois le même")
        XCTAssertEqual(c["1.6"]?.libelleCourt, "Solutions acceptées")
        XCTAssertEqual(c["1.7"]?.section, .delais)
        XCTAssertEqual(c.statistiquesDeComptage("1.7"), ["n", "sans_proposition"])
        XCTAssertEqual(c.statistiquesDeComptage("1.6"), ["en_attente"])
        XCTAssertEqual(c.statistiquesDeComptage("x.personnes"), [], "une moyenne par personne n'est pas un effectif")
        XCTAssertEqual(c["3.1"]?.libellesCles["aidant"], "Avec l'aidant")
        XCTAssertEqual(Libelles.cle("aidant", indicateur: c["3.1"]), "Avec l'aidant")
        XCTAssertEqual(Libelles.cle("aidant", indicateur: c["1.2"]), "Aidant")
        for i in c.indicateurs {
            XCTAssertFalse(i.explication.contains("|"), "\(i.code) : l'explication est en français courant, sans formule")
            XCTAssertFalse(i.explication.contains(".sql"), i.code)
            XCTAssertFalse(i.compte.isEmpty, i.code)
        }
    }

    /// What the headers declare matches what the queries return on real data: a rate iff a
    /// denominator, every statistic declared with its unit, a breakdown name iff a breakdown.
    func testLeCatalogueCorrespondAuxRequetes() throws {
        let t = try EspaceDeTest(territoires: ["Arrageois", "Ternois"])
        _ = try t.importer([IndicateursTests.dossierFixture])
        let moteur = Moteur(base: try t.base(), configuration: t.espace.configuration)
        for v in try moteur.calculer(.annee(2025)) {
            let i = v.indicateur
            XCTAssertEqual(i.taux != nil, v.denominateur != nil, "\(i.code) : « taux » déclaré si et seulement si la requête rend un dénominateur")
            XCTAssertEqual(Set(v.statistiques.map(\.nom)), Set(i.statistiques.map(\.nom)), "\(i.code) : statistiques déclarées")
            XCTAssertEqual(i.repartition != nil, !v.repartition.isEmpty || !i.cles.isEmpty, "\(i.code) : nom de la répartition")
        }
    }

    func entete(_ lignes: [String]) -> String {
        (["-- code: 9.9", "-- libelle: Essai", "-- libelle_court: Essai", "-- objectif: 1", "-- periodicite: annuelle", "-- unite: nombre",
          "-- territorial: oui", "-- secret: oui", "-- additive: non", "-- section: activite", "-- compte: sollicitations",
          "-- explication: Un essai.", "-- entrees: sollicitations", "-- definition: Un essai."] + lignes + ["", "SELECT 1 AS valeur;"]).joined(separator: "\n")
    }

    func testUnEnteteIncorrectEstRefuse() throws {
        XCTAssertNoThrow(try Requetes.analyser(entete([]), fichier: "essai.sql"))
        let i = try Requetes.analyser(entete(["-- statistique.n: nombre | Demandes", "-- statistique.moy: jours | Délai moyen", "-- resume: moy",
                                              "-- taux: part des demandes", "--   de l'année"]), fichier: "essai.sql")
        XCTAssertEqual(i.statistiquesDeComptage, ["n"])
        XCTAssertEqual(i.statistiques.map(\.nom), ["n", "moy"])
        XCTAssertEqual(i.taux, "part des demandes de l'année")
        let fautes: [(String, [String])] = [
            ("clé inconnue", ["-- libele_court: faute de frappe"]),
            ("clé répétée", ["-- compte: personnes"]),
            ("unité de statistique inconnue", ["-- statistique.n: heures | Demandes"]),
            ("statistique sans libellé", ["-- statistique.n: nombre"]),
            ("résumé d'une statistique non déclarée", ["-- resume: mediane"]),
            ("clé de libellé hors des clés", ["-- cles: a, b", "-- cle.c: C"]),
            ("taux vide", ["-- taux:"]),
        ]
        for (nom, lignes) in fautes {
            XCTAssertThrowsError(try Requetes.analyser(entete(lignes), fichier: "essai.sql"), nom) { e in
                XCTAssertTrue("\(e)".contains("essai.sql"), "\(nom) : le message nomme le fichier")
            }
        }
        for (cle, mauvaise) in [("unite", "heures"), ("section", "divers"), ("periodicite", "hebdomadaire"), ("objectif", "6"), ("secret", "peut-être")] {
            let texte = entete([]).replacingOccurrences(of: try XCTUnwrap(entete([]).split(separator: "\n").first { $0.hasPrefix("-- \(cle):") }).description,
                                                        with: "-- \(cle): \(mauvaise)")
            XCTAssertThrowsError(try Requetes.analyser(texte, fichier: "essai.sql"), "\(cle): \(mauvaise)")
        }
        let sansSection = entete([]).replacingOccurrences(of: "-- section: activite\n", with: "")
        XCTAssertThrowsError(try Requetes.analyser(sansSection, fichier: "essai.sql"), "clé obligatoire absente")
    }

    /// The render module asks the catalogue: no indicator code is written in it.
    func testAucunCodeDIndicateurDansLeModuleDeRendu() throws {
        let dossier = CatalogueTests.racine.appendingPathComponent("Sources/ObservatoireRapports")
        let fichiers = try FileManager.default.contentsOfDirectory(at: dossier, includingPropertiesForKeys: nil).filter { $0.pathExtension == "swift" }
        XCTAssertGreaterThan(fichiers.count, 8)
        var lu = 0
        for f in fichiers {
            let texte = try String(contentsOf: f, encoding: .utf8)
            lu += texte.count
            for i in Catalogue.integre.indicateurs {
                XCTAssertFalse(texte.contains("\"\(i.code)\""), "\(f.lastPathComponent) écrit le code « \(i.code) »")
            }
            // Nor any code-like literal (a future indicator), nor a test on a code.
            let motif = try NSRegularExpression(pattern: "\"([1-9]\\.[0-9]+|x\\.[a-z_]+)\"")
            XCTAssertEqual(motif.numberOfMatches(in: texte, range: NSRange(texte.startIndex..., in: texte)), 0, f.lastPathComponent)
            XCTAssertNil(texte.range(of: "\\bcode\\s*==\\s*\"", options: .regularExpression), "\(f.lastPathComponent) teste un code d'indicateur")
        }
        XCTAssertGreaterThan(lu, 50_000, "le contrôle a bien lu le module")
    }

    // MARK: - Plans

    func testLesPlansIntegresSontValides() throws {
        let rapport = try Plan.lire("plan-rapport.yml", modeles: Modeles(surcharge: nil))
        XCTAssertEqual(rapport.sections.first?.id, "synthese")
        XCTAssertTrue(rapport.sections.contains { $0.blocs.contains(.annexeTechnique) })
        // Every section of the catalogue has its place in the report.
        let montrees = Set(rapport.sections.flatMap(\.blocs).compactMap { b -> Indicateur.Section? in
            if case .indicateurs(let s) = b { return s }
            if case .repartitions(let s) = b { return s }
            if case .statistiques(let s) = b { return s }
            return nil
        })
        let avecUneRepartitionMensuelle: Set<Indicateur.Section> = [.activite]
        XCTAssertEqual(montrees.union(avecUneRepartitionMensuelle), Set(Indicateur.Section.allCases))
        let tdb = try Plan.lire("plan-tableau-de-bord.yml", modeles: Modeles(surcharge: nil))
        XCTAssertEqual(tdb.sections.map(\.id), ["cumul", "tendances", "mois-par-mois", "territoires", "lecture"])
    }

    func testUnPlanIncorrectEstUneErreurClaire() throws {
        let dossier = FileManager.default.temporaryDirectory.appendingPathComponent("plan-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: dossier, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: dossier) }
        let modeles = Modeles(surcharge: dossier)
        let cas: [(String, String)] = [
            ("bloc inconnu", "sections:\n  - { id: a, titre: A, onglet: A, blocs: [graphique_magique] }\n"),
            ("indicateur inconnu", "sections:\n  - { id: a, titre: A, onglet: A, blocs: [{ mensuel: 9.9 }] }\n"),
            ("section du catalogue inconnue", "sections:\n  - { id: a, titre: A, onglet: A, blocs: [{ repartitions: divers }] }\n"),
            ("onglet trop long", "sections:\n  - { id: a, titre: A, onglet: Un onglet bien trop long pour Excel, blocs: [qualite] }\n"),
            ("identifiant en double", "sections:\n  - { id: a, titre: A, onglet: A, blocs: [qualite] }\n  - { id: a, titre: B, onglet: B, blocs: [recit] }\n"),
            ("pas du YAML", "sections: [\n"),
        ]
        for (nom, texte) in cas {
            try texte.write(to: dossier.appendingPathComponent("plan-rapport.yml"), atomically: true, encoding: .utf8)
            XCTAssertThrowsError(try Plan.lire("plan-rapport.yml", modeles: modeles), nom) { e in
                XCTAssertEqual((e as? ErreurObservatoire)?.code, .usage, nom)
                XCTAssertTrue("\(e)".contains("plan-rapport.yml"), "\(nom) : le message nomme le fichier")
            }
        }
        // A coordinator's own plan: two sections, in their order, and a paragraph of theirs.
        try """
        sections:
          - id: essentiel
            titre: L'essentiel
            onglet: Essentiel
            blocs:
              - texte: "Notre année en bref."
              - chiffres_cles: [1.1, 1.6 taux]
          - id: detail
            titre: Le détail
            onglet: Détail
            blocs: [cahier_des_charges]
        """.write(to: dossier.appendingPathComponent("plan-rapport.yml"), atomically: true, encoding: .utf8)
        let plan = try Plan.lire("plan-rapport.yml", modeles: modeles)
        XCTAssertEqual(plan.sections.map(\.id), ["essentiel", "detail"])
        XCTAssertEqual(plan.sections[0].blocs[1], .chiffresCles([.init(code: "1.1", taux: false), .init(code: "1.6", taux: true)]))
    }
}
