import Foundation
import XCTest
@testable import ObservatoireCore
@testable import ObservatoireIndicateurs
@testable import ObservatoireRapports
@testable import ObservatoireStore

/// Statuses instead of fake zeros (issue 13, done-when): a source that never collects the
/// proposal dates, the origin and the life project gives « non collecté » for 1.7, 2.1 and 3.1
/// in the table, the JSON, the XLSX and the HTML; they count neither as met nor as missed; a
/// first year shows no N-1 zeros.
///
final class StatutsTests: XCTestCase {
    func testNonCollecteEtPasDeDonnees() throws {
        let t = try EspaceDeTest(territoires: ["Arrageois"])
        // A tracker without `origine`, `projet_vie_co_construit` (requests) nor `date_proposition`
        // (propositions): the columns are simply not there. Only 2025: no N-1 at all.
        let sollicitations = ["id_sollicitation;date_sollicitation;personne_id;profil;type_demande;problematiques;accompagnee;territoire;departement"]
            + (1...30).map { k in "S\(k);2025-\(String(format: "%02d", (k % 12) + 1))-10;P\(k);adulte_sh;recherche_solution;emploi;\(k % 2 == 0 ? "oui" : "non");Arrageois;62" }
        let propositions = ["id_proposition;id_sollicitation;evaluation_preexistante;ad_hoc_partenaires;milieu_ordinaire;decision"]
            + (1...20).map { k in "PR\(k);S\(k);oui;non;\(k % 3 == 0 ? "oui" : "non");\(k % 4 == 0 ? "refusee" : "acceptee")" }
        let u1 = try t.ecrire("sollicitations.csv", sollicitations.joined(separator: "\n") + "\n")
        let u2 = try t.ecrire("propositions.csv", propositions.joined(separator: "\n") + "\n")
        let bilan = try t.importer([u1, u2])
        XCTAssertEqual(bilan.fichiers.map(\.importees).reduce(0, +), 50, "les lignes sont enregistrées, les colonnes absentes n'y changent rien")

        let moteur = Moteur(base: try t.base(), configuration: t.espace.configuration)
        let tableau = try moteur.tableau(.annee(2025), diffusion: .interne)
        let nonCollectes = ["1.7", "2.1", "3.1"]
        for code in nonCollectes {
            let v = try XCTUnwrap(tableau[code])
            XCTAssertEqual(v.statut, .nonCollecte, code)
            XCTAssertNil(v.valeur, code)
            XCTAssertNil(v.taux, code)
            XCTAssertNil(v.atteinte, "\(code) : ni atteinte ni manquée")
        }
        XCTAssertEqual(tableau["1.1"]?.statut, .calcule)
        XCTAssertEqual(tableau["1.6"]?.statut, .calcule)

        // The terminal table and the JSON.
        let texte = Restitution.texte(tableau, nom: "C360 de test")
        for code in nonCollectes {
            let ligne = try XCTUnwrap(texte.split(separator: "\n").first { $0.hasPrefix(code + " ") }, code)
            XCTAssertTrue(ligne.contains("non collecté"), String(ligne))
            XCTAssertNil(ligne.range(of: "(^|[^0-9])0,0", options: .regularExpression), String(ligne))
        }
        let json = try XCTUnwrap(try JSONSerialization.jsonObject(with: Data(Restitution.json(tableau).texteCompact.utf8)) as? [String: Any])
        for i in try XCTUnwrap(json["indicateurs"] as? [[String: Any]]) where nonCollectes.contains(i["code"] as? String ?? "") {
            XCTAssertEqual(i["statut"] as? String, "non_collecte")
            XCTAssertTrue(i["valeur"] is NSNull)
            XCTAssertTrue(i["atteinte"] is NSNull)
        }

        // The XLSX and the HTML.
        let fichiers = try Publication.rapport(espace: t.espace, base: try t.base(), annee: 2025, formats: [.xlsx, .html], diffusion: .interne,
                                               dossier: t.espace.dossierRapports, extraction: RapportHTMLTests.extraction)
        let c = try ClasseurLu(fichiers[0])
        for code in nonCollectes {
            let l = try XCTUnwrap(c.ligne("Cahier des charges", ou: code, colonne: 0), code)
            XCTAssertEqual(l[4], "non collecté", code)
            XCTAssertTrue(l[7].hasPrefix("non jugée") || l[7] == "pas de cible", "\(code) : \(l[7])")
            XCTAssertEqual(l[6], "pas de données", "\(code) : N-1")
        }
        let page = try String(contentsOf: fichiers[1], encoding: .utf8)
        let h = LecturePage()
        for code in nonCollectes {
            let ligne = h.texte(try XCTUnwrap(h.ligne(code, section: "cahier-des-charges", dans: page), code))
            XCTAssertTrue(ligne.contains("non collecté"), ligne)
            // No value « 0,0 » (the target « ≤ 30,0 j » is not one) and no tick.
            XCTAssertNil(ligne.range(of: "(^|[^0-9])0,0", options: .regularExpression), ligne)
            XCTAssertFalse(ligne.contains("✓"), ligne)
        }
        // The count of targets ignores them (1.7 has a target of 30 days).
        let bilanCibles = try XCTUnwrap(h.trouver("<p class=\"bilan-cibles\">(.*?)</p>", dans: page).first)
        let avecCible = tableau.indicateurs.filter { $0.cible != nil && !nonCollectes.contains($0.code) }
        XCTAssertTrue(bilanCibles.contains("sans valeur à comparer"), bilanCibles)
        XCTAssertTrue(bilanCibles.contains("sur \(avecCible.count + nonCollectes.filter { tableau[$0]?.cible != nil }.count) indicateurs"), bilanCibles)
        // A first year: N-1 reads « pas de données », never a column of zeros.
        let cahier = try XCTUnwrap(h.section("cahier-des-charges", dans: page))
        let n1 = h.trouver("<td[^>]*data-titre=\"N-1 \\(2024\\)\"[^>]*>(.*?)</td>", dans: cahier).map { h.texte($0) }
        XCTAssertEqual(n1.count, tableau.indicateurs.count)
        XCTAssertTrue(n1.allSatisfy { $0.contains("pas de données") }, "\(n1)")
    }
}

/// Reading helpers over a page (the same as those of `RapportHTMLTests`).
struct LecturePage {
    func trouver(_ motif: String, dans texte: String) -> [String] {
        let re = try! NSRegularExpression(pattern: motif, options: [.dotMatchesLineSeparators])
        return re.matches(in: texte, range: NSRange(texte.startIndex..., in: texte)).map { m in
            let r = m.numberOfRanges > 1 && m.range(at: 1).location != NSNotFound ? m.range(at: 1) : m.range
            return String(texte[Range(r, in: texte)!])
        }
    }

    func texte(_ html: String) -> String {
        var s = html.replacingOccurrences(of: "<[^>]*>", with: " ", options: .regularExpression)
        for (e, c) in [("&lt;", "<"), ("&gt;", ">"), ("&quot;", "\""), ("&#39;", "'"), ("&amp;", "&")] { s = s.replacingOccurrences(of: e, with: c) }
        return s.replacingOccurrences(of: "\u{00A0}", with: " ").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    func section(_ id: String, dans page: String) -> String? { trouver("(<section id=\"\(id)\".*?</section>)", dans: page).first }

    func ligne(_ code: String, section id: String, dans page: String) -> String? {
        guard let s = section(id, dans: page) else { return nil }
        return trouver("(<tr data-code=\"\(NSRegularExpression.escapedPattern(for: code))\".*?</tr>)", dans: s).first
    }
}
