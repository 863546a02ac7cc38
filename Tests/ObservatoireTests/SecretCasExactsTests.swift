import Foundation
import XCTest
@testable import ObservatoireCore
@testable import ObservatoireIndicateurs
@testable import ObservatoireStore

/// The exact cases of the confidentiality issue: only counts are masked, exact rounding,
/// territories without requests in the period.
final class SecretCasExactsTests: XCTestCase {
    var espaceCourant: EspaceDeTest?

    func espace(territoires: [String] = []) throws -> EspaceDeTest {
        let t = try EspaceDeTest(territoires: territoires)
        espaceCourant = t
        return t
    }

    // MARK: - Only counts are masked

    /// February: 3 requests with a proposition (delays 23, 5 and 41 days) and 13 without. The
    /// mean, median and 90th percentile rest on 3 requests: withheld as « effectif insuffisant »,
    /// never shown as « < 5 » (read as « under 5 days »); 13 is not a small count.
    func testUnDelaiSurTropPeuDeDemandesEstRetenuPasMasqueCommeUnEffectif() throws {
        let t = try espace()
        var sollicitations: [String] = []
        var propositions: [String] = []
        for (i, delai) in [23, 5, 41].enumerated() {
            sollicitations.append(CSV.sollicitation("A\(i)", date: "2025-02-03", personne: "PA\(i)"))
            let jour = Jour(annee: 2025, mois: 2, jour: 3)! + delai
            propositions.append(CSV.proposition("PA\(i)", "A\(i)", date: jour.iso))
        }
        for i in 0..<13 { sollicitations.append(CSV.sollicitation("B\(i)", date: "2025-02-10", personne: "PB\(i)", profil: i % 2 == 0 ? "aidant" : "adulte_sh")) }
        _ = try t.importer([try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, sollicitations)),
                            try t.ecrire("propositions.csv", CSV.fichier(CSV.entetePropositions, propositions))])
        let moteur = Moteur(base: try t.base(), configuration: t.espace.configuration)
        let interne = try moteur.tableau(.mois(2025, 2), diffusion: .interne)
        XCTAssertEqual(interne["1.7"]?.statistique("moyenne"), 23)
        XCTAssertEqual(interne["1.7"]?.statistique("mediane"), 23)
        XCTAssertEqual(interne["1.7"]?.statistique("p90"), 41)
        XCTAssertEqual(interne["1.7"]?.statistique("sans_proposition"), 13)

        let externe = try moteur.tableau(.mois(2025, 2), diffusion: .externe)
        let delai = try XCTUnwrap(externe["1.7"])
        XCTAssertNil(delai.valeur)
        XCTAssertEqual(delai.valeurRetenue, .effectifInsuffisant)
        for nom in ["moyenne", "mediane", "p90"] {
            XCTAssertEqual(delai.statistiques.first { $0.nom == nom }?.retenue, .effectifInsuffisant, nom)
            XCTAssertNil(delai.statistique(nom), nom)
        }
        XCTAssertEqual(delai.statistiques.first { $0.nom == "n" }?.retenue, .petitEffectif, "3 demandes : un effectif, masqué")
        XCTAssertNotEqual(delai.statistiques.first { $0.nom == "sans_proposition" }?.retenue, .petitEffectif, "13 n'est pas un petit effectif")

        // Outputs: the words, never « < 5 » for a delay or a rate.
        let json = Restitution.json(externe).texteCompact
        XCTAssertTrue(json.contains("\"moyenne\":\"effectif insuffisant\""), json)
        XCTAssertFalse(json.contains("\"moyenne\":\"< 5\""))
        let texte = Restitution.texte(externe, nom: "C360 de test")
        let ligne17 = try XCTUnwrap(texte.split(separator: "\n").first { $0.hasPrefix("1.7 ") })
        XCTAssertTrue(ligne17.contains("effectif insuffisant"), String(ligne17))
        XCTAssertFalse(ligne17.contains("< 5"), String(ligne17))
        // A rate column never reads « < 5 »: its words say why it is withheld.
        for l in texte.split(separator: "\n") where l.hasPrefix("1.") || l.hasPrefix("2.") || l.hasPrefix("3.") || l.hasPrefix("x.") {
            let colonnes = l.components(separatedBy: "  ").filter { !$0.trimmingCharacters(in: .whitespaces).isEmpty }
            if colonnes.count > 3 { XCTAssertFalse(colonnes[3].trimmingCharacters(in: .whitespaces).hasPrefix("< 5"), String(l)) }
        }
    }

    /// Zero is never masked: a month where every request got a proposition has
    /// `sans_proposition` = 0, shown as 0.
    func testZeroNEstJamaisMasque() throws {
        let t = try espace()
        var sollicitations: [String] = [], propositions: [String] = []
        for i in 0..<8 {
            sollicitations.append(CSV.sollicitation("S\(i)", date: "2025-03-03", personne: "P\(i)"))
            propositions.append(CSV.proposition("PR\(i)", "S\(i)", date: "2025-03-20"))
        }
        _ = try t.importer([try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, sollicitations)),
                            try t.ecrire("propositions.csv", CSV.fichier(CSV.entetePropositions, propositions))])
        let moteur = Moteur(base: try t.base(), configuration: t.espace.configuration)
        let externe = try moteur.tableau(.mois(2025, 3), diffusion: .externe)
        XCTAssertEqual(externe["1.7"]?.statistique("sans_proposition"), 0)
        XCTAssertNil(externe["1.7"]?.statistiques.first { $0.nom == "sans_proposition" }?.retenue)
        XCTAssertEqual(externe["1.7"]?.valeur, 17, "8 demandes : le délai est publié")
        XCTAssertEqual(externe["2.1"]?.valeur, 0, "aucun repérage : 0, pas masqué")
    }

    // MARK: - Exact rounding

    /// `equipe`: 0,75 ETP from 8 to 30 April 2025, April: 0,75 × 23 / 30 = 0,575 exactly,
    /// rounded half away from zero: 0,58 (a binary float gives 0,57499… → 0,57).
    func testETPArrondiSurLaValeurExacte() throws {
        let t = try espace()
        let equipe = try t.ecrire("equipe.csv", """
            poste_id;fonction;etp;recherche_solutions;date_debut;date_fin
            P1;conseiller_parcours;0,75;oui;2025-04-08;2025-04-30

            """)
        let membres = try t.ecrire("membres_coeur.csv", """
            annee;membre;etp
            2025;MDPH;0,575
            2025;ARS;0,3

            """)
        _ = try t.importer([equipe, membres])
        let moteur = Moteur(base: try t.base(), configuration: t.espace.configuration)
        let avril = try moteur.tableau(.mois(2025, 4), diffusion: .interne)
        XCTAssertEqual(avril["4.1"]?.valeur, 0.58)
        XCTAssertTrue(Restitution.texte(avril, nom: "T").contains("0,58 ETP"))
        XCTAssertEqual(avril["4.3"]?.valeur, 0.88, "0,575 + 0,3 = 0,875 → 0,88")
        XCTAssertEqual(Affichage(seuil: 5).n(try XCTUnwrap(avril["4.3"]?.repartition.first), unite: .etp), "0,58 ETP", "0,575 saisi → 0,58")
        // The JSON carries the rounded value, the CSV too.
        XCTAssertNotNil(Restitution.json(avril).texteCompact.range(of: "\"code\":\"4\\.1\",[^}]*\"valeur\":0\\.58,", options: .regularExpression))
        XCTAssertTrue(Restitution.csv(avril, configuration: moteur.configuration).split(separator: "\n").contains { $0.contains(";4.1;") && $0.contains(";total;;0.58;") })
    }

    func testTauxArrondisSurLeQuotientExact() {
        XCTAssertEqual(Moteur.taux(13, sur: 208), 6.3, "6,25 % → 6,3 %")
        XCTAssertEqual(Moteur.taux(1, sur: 8), 12.5)
        XCTAssertEqual(Moteur.taux(1, sur: 3), 33.3)
        XCTAssertEqual(Moteur.taux(2, sur: 3), 66.7)
        XCTAssertEqual(Moteur.taux(1, sur: 16), 6.3, "6,25 % → 6,3 %")
        XCTAssertEqual(Moteur.taux(1, sur: 80), 1.3, "1,25 % → 1,3 %")
        XCTAssertNil(Moteur.taux(0, sur: 0), "non calculable")
        XCTAssertEqual(FormatFrancais.quotient(-5, 2, decimales: 0), -3, "moitié : loin de zéro")
        XCTAssertEqual(FormatFrancais.quotient(69, 4, decimales: 1), 17.3, "17,25 → 17,3")
        XCTAssertEqual(FormatFrancais.decimal(0.575, 2), "0,58")
        XCTAssertEqual(FormatFrancais.decimal(2.675, 2), "2,68", "2,675 s'écrit 2.67499… en binaire")
        XCTAssertEqual(FormatFrancais.decimal(1.005, 2), "1,01")
    }

    // MARK: - Territories

    /// Ternois has requests in January only. Without a configured list, `--mois 2025-02
    /// --territoire Ternois` gives its zeros (it used to be « inconnu pour cette période »,
    /// exit 2); with a list, the same. An unknown name is still a usage error.
    func testUnTerritoireSansDemandeDansLaPeriodeADesZeros() throws {
        for liste in [[], ["Arrageois", "Ternois"]] {
            let t = try espace(territoires: liste)
            _ = try t.importer([try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, [
                CSV.sollicitation("S1", date: "2025-01-10", territoire: "Ternois"),
                CSV.sollicitation("S2", date: "2025-02-10", personne: "P2", territoire: "Arrageois"),
            ]))])
            let r = try Binaire.lancer(["indicateurs", "--dossier", t.dossier.path, "--mois", "2025-02", "--territoire", "Ternois", "--format", "json"])
            XCTAssertEqual(r.code, 0, r.erreur)
            let objet = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(r.sortie.utf8)) as? [String: Any])
            XCTAssertEqual(objet["territoire"] as? String, "Ternois")
            let i11 = try XCTUnwrap((objet["indicateurs"] as? [[String: Any]])?.first { $0["code"] as? String == "1.1" })
            XCTAssertEqual(i11["valeur"] as? Int, 0, "liste \(liste)")
            let inconnu = try Binaire.lancer(["indicateurs", "--dossier", t.dossier.path, "--mois", "2025-02", "--territoire", "Ternoiz"])
            XCTAssertEqual(inconnu.code, 2)
            XCTAssertTrue(inconnu.erreur.contains("Ternois"), "propose le territoire proche : \(inconnu.erreur)")
        }
    }
}
