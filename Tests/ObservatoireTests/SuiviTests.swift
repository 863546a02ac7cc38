import Foundation
import GRDB
import XCTest
@testable import ObservatoireCore
@testable import ObservatoireImport
@testable import ObservatoireIndicateurs
@testable import ObservatoireStore

/// Real trackers as they are: the example tracker of `data/exemples/suivi-appels` (a title row
/// over the headers, a merged cell, Excel dates and typed dates, empty rows, a totals row, one
/// row per call with up to two orientations and their decision, a partners sheet), its
/// Windows-1252 `;` CSV twins, read with the shipped profile `data/profils/suivi-appels.yml`.
///
/// Every expected figure is computed by hand from the rows listed in `fabriquer.py`:
///
/// | call | month | who / age → profil | type | orientations (décision, milieu, montage, éval.) |
/// |---|---|---|---|---|
/// | A-001 | janv. | Parent 8 → enfant_sh | recherche | SESSAD (acceptée, spécialisé, N, O) ; loisirs (acceptée, ordinaire, O, O) |
/// | A-002 | janv. | Personne 34 → adulte_sh | info | — |
/// | A-003 | janv. | Professionnel → professionnel | orientation | — |
/// | A-004 | févr. | Aidant 52 → aidant | recherche | accueil de jour (en attente, spécialisé, O, N) |
/// | A-005 | févr. | Parent 8 → enfant_sh | recherche | transport (refusée, ordinaire, N, N) ; covoiturage (sans suite, ordinaire, O, N) |
/// | A-006 | mars | Personne 19 → adulte_sh | recherche, sans motif (avertissement) | SAVS (acceptée, mixte, O, O) |
/// | A-007 | mars | Parent 15 → enfant_sh | recherche | ULIS (« OK » = acceptée, ordinaire, N, O) |
/// | A-008 | mars | Partenaire → professionnel | info | — |
/// | A-009 | avr. | Personne 27 → adulte_sh | recherche | foyer (en attente, spécialisé, N, N) ; Cap emploi (acceptée, ordinaire, O, N) |
/// | A-010 | avr. | Parent 12 → enfant_sh | orientation | — |
/// | A-011 | — | « Voisin » : rejetée (le profil ne traduit pas) | | |
/// | A-012 | — | 31/02/2025 : rejetée ; son orientation aussi | | |
/// | A-013 | mai | Aidant 70 → aidant | recherche | aide à domicile sans date : rejetée |
/// | A-014 | mai | Personne 16 → adulte_sh | recherche | formation (acceptée, ordinaire, O, O) |
final class SuiviTests: XCTestCase {
    static let exemples = ExecutionTests.donnees.appendingPathComponent("exemples/suivi-appels")
    static let profil = ExecutionTests.donnees.appendingPathComponent("profils/suivi-appels.yml")

    /// A workspace with the shipped profile in its `profils/` folder.
    func espace() throws -> EspaceDeTest {
        let t = try EspaceDeTest()
        try FileManager.default.copyItem(at: SuiviTests.profil, to: t.espace.dossierProfils.appendingPathComponent("suivi-appels.yml"))
        return t
    }

    func importer(_ t: EspaceDeTest, _ noms: [String], _ reglage: (inout OptionsImport) -> Void = { _ in }) throws -> BilanImport {
        try t.importer(noms.map { SuiviTests.exemples.appendingPathComponent($0) }) { o in
            o.profils = [try! ProfilCorrespondance.charger(SuiviTests.profil)]
            reglage(&o)
        }
    }

    /// The lines of the example tracker's CSV twin (Windows-1252, CRLF) and the index of its
    /// header line, for tests that change a few cells.
    static func lignesDuJumeau() throws -> (lignes: [String], entete: Int) {
        let octets = try Data(contentsOf: SuiviTests.exemples.appendingPathComponent("suivi-appels-2025.csv"))
        let lignes = try XCTUnwrap(String(data: octets, encoding: .windowsCP1252)).components(separatedBy: "\r\n")
        return (lignes, try XCTUnwrap(lignes.firstIndex { $0.hasPrefix("N") && $0.contains(";Date de l") }))
    }

    func tableau(_ t: EspaceDeTest) throws -> TableauIndicateurs {
        try Moteur(base: try t.base(), configuration: t.espace.configuration).tableau(.annee(2025), diffusion: .interne)
    }

    func entree(_ b: BilanImport, _ table: TableCanonique) throws -> BilanFichier {
        try XCTUnwrap(b.fichiers.first { $0.table == table }, "\(table)")
    }

    /// The propositions of a tracker with one orientation per call, pending, with its date.
    static let uneOrientation = """
        creer_si: { "Orientation": { vide: non } }
        date_proposition: "Date orientation"
        evaluation_preexistante: { valeur: non }
        ad_hoc_partenaires: { valeur: non }
        milieu_ordinaire: { valeur: oui }
        decision: { valeur: en_attente }
        """

    /// A one-source profile over a small CSV tracker: requests from columns `N` (or the rule
    /// `identifiant`), `D` and `P` (or `personne`), the rest constants; propositions from the
    /// lines of `propositions` (YAML, indented under the table).
    func profilDeSuivi(instantane: Bool = false, identifiant: String = "N", personne: String = "P",
                       problematiques: String = "{ valeur: emploi }", propositions: String) throws -> ProfilCorrespondance {
        let lignes = ["nom: p", "sources:", "  s:", "    fichiers: [\"*.csv\"]"] + (instantane ? ["    instantane: oui"] : []) + [
            "    tables:", "      sollicitations:",
            "        id_sollicitation: \(identifiant)", "        date_sollicitation: D", "        personne_id: \(personne)",
            "        profil: { valeur: adulte_sh }", "        type_demande: { valeur: recherche_solution }",
            "        problematiques: \(problematiques)", "        origine: { valeur: demande }", "        accompagnee: { valeur: oui }",
            "        territoire: { valeur: Arrageois }", "      propositions:",
        ] + propositions.split(separator: "\n").map { "        " + $0 }
        return try ProfilCorrespondance.analyser(lignes.joined(separator: "\n") + "\n", fichier: "p.yml", nomParDefaut: "p")
    }

    func repartition(_ v: ValeurIndicateur?) -> [String: Double] {
        Dictionary(uniqueKeysWithValues: (v?.repartition ?? []).map { ($0.cle, $0.n ?? -1) })
    }

    /// The hand-computed figures of the tracker.
    func verifierChiffres(_ t: TableauIndicateurs, file: StaticString = #filePath, line: UInt = #line) {
        XCTAssertEqual(t["1.1"]?.valeur, 12, file: file, line: line)
        let mois = repartition(t["1.1"])
        XCTAssertEqual([mois["2025-01"], mois["2025-02"], mois["2025-03"], mois["2025-04"], mois["2025-05"], mois["2025-06"]],
                       [3, 2, 3, 2, 2, 0], file: file, line: line)
        XCTAssertEqual(repartition(t["1.2"]), ["enfant_sh": 4, "adulte_sh": 4, "aidant": 2, "professionnel": 2], file: file, line: line)
        XCTAssertEqual(t["1.3"]?.valeur, 8, "|R|", file: file, line: line)
        let p = repartition(t["1.3"])
        XCTAssertEqual(p["scolarisation_formation"], 3, file: file, line: line)
        XCTAssertEqual(p["logement_habitat"], 1, file: file, line: line)
        XCTAssertEqual(p["non_renseigne"], 1, "A-006, recherche de solution sans motif", file: file, line: line)
        XCTAssertEqual(p["sante_soins"], 0, "A-010 n'est pas une recherche de solution", file: file, line: line)
        XCTAssertEqual(t["1.4"]?.numerateur, 5, file: file, line: line)
        XCTAssertEqual(t["1.4"]?.denominateur, 10, file: file, line: line)
        XCTAssertEqual(t["1.5"]?.valeur, 10, file: file, line: line)
        XCTAssertEqual(t["1.5"]?.taux, 87.5, "7 recherches sur 8 ont une proposition", file: file, line: line)
        XCTAssertEqual(t["1.6"]?.valeur, 6, file: file, line: line)
        XCTAssertEqual(t["1.6"]?.taux, 75.0, "6 acceptées sur 8 décidées", file: file, line: line)
        XCTAssertEqual(repartition(t["1.6"]), ["acceptee": 6, "refusee": 1, "en_attente": 2, "sans_suite": 1], file: file, line: line)
        XCTAssertEqual(t["1.7"]?.valeur, 14.0, "(14 + 7 + 8 + 14 + 21 + 20 + 14) / 7", file: file, line: line)
        XCTAssertEqual(t["1.7"]?.statistique("mediane"), 14, file: file, line: line)
        XCTAssertEqual(t["1.7"]?.statistique("p90"), 21, file: file, line: line)
        XCTAssertEqual(t["1.7"]?.statistique("sans_proposition"), 5, file: file, line: line)
        XCTAssertEqual(t["2.1"]?.valeur, 2, "A-006 et A-014 : repérage et accompagnement", file: file, line: line)
        XCTAssertEqual(t["2.2"]?.valeur, 6, file: file, line: line)
        XCTAssertEqual(t["2.3"]?.valeur, 7, "ordinaire ou mixte", file: file, line: line)
        XCTAssertEqual(t["3.1"]?.numerateur, 6, file: file, line: line)
        XCTAssertEqual(t["3.1"]?.denominateur, 8, file: file, line: line)
        XCTAssertEqual(t["4.2"]?.valeur, 4, file: file, line: line)
        XCTAssertEqual(t["5.1"]?.valeur, 2, "Mairie d'Arras et APF", file: file, line: line)
        XCTAssertEqual(repartition(t["x.age"]), ["moins_16": 4, "16_21": 2, "plus_21": 6, "non_renseigne": 0], file: file, line: line)
    }

    // MARK: - One source, several tables

    func testLeTableurEtSonJumeauCSVDonnentLesChiffresCalculesALaMain() throws {
        let t = try espace()
        let b = try importer(t, ["suivi-appels-2025.xlsx"])
        XCTAssertEqual(b.fichiers.count, 3, "acteurs (feuille Partenaires), sollicitations et propositions (feuille Appels)")
        let s = try entree(b, .sollicitations), p = try entree(b, .propositions), a = try entree(b, .acteurs)
        XCTAssertEqual([s.lues, s.importees, s.rejetees], [14, 12, 2])
        XCTAssertEqual([p.lues, p.importees, p.rejetees], [12, 10, 2], "9 orientations 1 et 3 orientations 2")
        XCTAssertEqual([a.lues, a.importees, a.rejetees], [4, 4, 0])
        XCTAssertEqual(s.lignesIgnorees, 1, "la ligne de total")
        XCTAssertEqual(s.profil, "suivi-appels")
        XCTAssertEqual(s.sourceProfil, "appels")
        XCTAssertEqual(s.avertissements, ["problematiques_non_renseignees": 1])
        XCTAssertEqual(Set(s.colonnesIgnorees), ["Nom", "Téléphone", "Observations"], "jamais enregistrées")
        XCTAssertEqual(b.code, .rejets)
        verifierChiffres(try tableau(t))
        // Derived identifiers: the request's and the rank.
        XCTAssertEqual(try t.compter("SELECT count(*) FROM propositions WHERE id_proposition IN ('A-001-1', 'A-001-2', 'A-009-2')"), 3)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM propositions WHERE acteur_id = 'MDPH62'"), 2)
        // Nothing personal stored: names, phones and notes of the extra columns.
        let brut = try Data(contentsOf: t.espace.baseDeDonnees)
        for secret in ["Martin", "06 12 34 56 78", "inquiète", "P-101"] {
            XCTAssertNil(brut.range(of: Data(secret.utf8)), secret)
        }

        let u = try espace()
        let bc = try importer(u, ["suivi-appels-2025.csv", "partenaires-c360.csv"])
        let sc = try entree(bc, .sollicitations), pc = try entree(bc, .propositions)
        XCTAssertEqual([sc.lues, sc.importees, sc.rejetees, pc.lues, pc.importees, pc.rejetees], [14, 12, 2, 12, 10, 2])
        XCTAssertTrue(sc.format.contains("Windows-1252") && sc.format.contains("point-virgule"), sc.format)
        verifierChiffres(try tableau(u))
    }

    func testMessagesDansLesMotsDuTableurEtLaOuCorriger() throws {
        let t = try espace()
        let b = try importer(t, ["suivi-appels-2025.xlsx"])
        let s = try entree(b, .sollicitations)
        let voisin = try XCTUnwrap(s.exemples.first { $0.identifiant == "A-011" })
        XCTAssertEqual(voisin.ligne, 15, "la ligne Excel (titre, date de mise à jour, ligne vide, en-têtes au-dessus)")
        XCTAssertEqual(voisin.colonneSource, "Qui appelle ?")
        XCTAssertEqual(voisin.valeur, "Vo••••", "un extrait masqué de la valeur du tableur, avant traduction")
        XCTAssertEqual(voisin.correction, .profil)
        XCTAssertTrue(voisin.message.contains("« Qui appelle ? »") && voisin.message.contains("suivi-appels.yml, ligne"), voisin.message)
        let date = try XCTUnwrap(s.exemples.first { $0.identifiant == "A-012" })
        XCTAssertEqual(date.regle, .dateInvalide)
        XCTAssertEqual(date.colonneSource, "Date de l'appel")
        XCTAssertEqual(date.correction, .tableur)
        XCTAssertTrue(date.message.contains("À corriger dans le tableur : ligne 16, colonne « Date de l'appel »"), date.message)
        let p = try entree(b, .propositions)
        let orpheline = try XCTUnwrap(p.exemples.first { $0.ligne == 16 })
        XCTAssertTrue(orpheline.message.contains("sollicitation de cette même ligne a été rejetée"), orpheline.message)
        let sansDate = try XCTUnwrap(p.exemples.first { $0.ligne == 17 })
        XCTAssertEqual(sansDate.colonneSource, "Date orientation 1")
        XCTAssertEqual(sansDate.identifiant, "A-013-1")
    }

    /// Review 3 (left then): a partner unknown to the directory, checked once the row is
    /// stored, was named `acteur_id` with no tracker column. It is now named by the column of
    /// its rank (« Structure 2 »), with the masked tracker value and where to fix it.
    func testUnPartenaireInconnuEstNommeParSaColonneDuTableur() throws {
        let t = try espace()
        let b = try importer(t, ["suivi-appels-2025.csv"])
        let p = try entree(b, .propositions)
        let inconnus = p.exemples.filter { $0.colonne == "acteur_id" }
        XCTAssertFalse(inconnus.isEmpty, "\(p.exemples.map(\.message))")
        for r in inconnus {
            XCTAssertTrue(r.colonneSource?.hasPrefix("Structure ") == true, "\(r.colonneSource ?? "-")")
            XCTAssertTrue(r.message.contains("À corriger dans le tableur : ligne \(r.ligne), colonne « Structure "), r.message)
            XCTAssertEqual(r.correction, .tableur)
        }
    }

    /// Review 4 (F8): two antennas' trackers read as one source: the last saved replaced the
    /// other, silently when it held fewer than 5 rows. A snapshot with no identifier in common
    /// with what its source holds is refused whole, however small, and says to give each
    /// tracker its own source.
    func testUnAutreTableurLuCommeLaMemeSourceEstRefuse() throws {
        let t = try espace()
        let (lignes, entete) = try SuiviTests.lignesDuJumeau()
        func tableur(_ nom: String, _ rangs: ClosedRange<Int>, prefixe: String) throws -> URL {
            let texte = (lignes[...entete] + rangs.map { prefixe + lignes[entete + $0].dropFirst(4) }).joined(separator: "\r\n") + "\r\n"
            let url = t.dossier.appendingPathComponent(nom)
            try Data(texte.utf8).write(to: url)
            return url
        }
        // Three calls of one antenna (fewer than the 5 rows the share rule needs), then two
        // calls of another, numbered T-001, T-002.
        let profils = { (o: inout OptionsImport) in o.profils = [try! ProfilCorrespondance.charger(SuiviTests.profil)] }
        let premier = try t.importer([try tableur("suivi-appels-arrageois.csv", 1...3, prefixe: "A-00")], profils)
        XCTAssertEqual(premier.fichiers.first?.importees, 3, "\(premier.fichiers.flatMap(\.exemples))")
        let b = try t.importer([try tableur("suivi-appels-ternois.csv", 1...2, prefixe: "T-00")], profils)
        let e = try XCTUnwrap(b.fichiers.first?.erreur, "\(b.fichiers.map { ($0.importees, $0.supprimees) })")
        XCTAssertTrue(e.raison.contains("aucune ligne en commun"), e.raison)
        XCTAssertTrue(e.conseil.contains("Un classeur par territoire"), e.conseil)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 3, "rien n'est effacé")
    }

    /// Review 4 (F2): a column inserted with the name of an old one (or a block of columns
    /// copied without renaming its headers) was read instead of it, and the data of the other
    /// lost without a word. A name the profile reads that several columns bear refuses the
    /// file, naming the columns by their letters.
    func testDeuxColonnesDuMemeNomLuParLeProfilRefusentLeFichier() throws {
        let t = try espace()
        let (lignes, entete) = try SuiviTests.lignesDuJumeau()
        // A new, empty « Canal » column inserted as column B.
        let texte = lignes.enumerated().map { i, l -> String in
            guard i >= entete, !l.isEmpty, let p = l.firstIndex(of: ";") else { return l }
            return l[..<p] + (i == entete ? ";Canal" : ";") + l[p...]
        }.joined(separator: "\r\n")
        let url = t.dossier.appendingPathComponent("suivi-appels-2025.csv")
        try Data(texte.utf8).write(to: url)
        let b = try t.importer([url]) { $0.profils = [try! ProfilCorrespondance.charger(SuiviTests.profil)] }
        let e = try XCTUnwrap(b.fichiers.first?.erreur, "\(b.fichiers.map(\.importees))")
        XCTAssertTrue(e.raison.contains("les colonnes B et O s'appellent toutes deux « Canal »"), e.raison)
        XCTAssertTrue(e.conseil.contains("Renommez l'une d'elles"), e.conseil)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sqlite_master WHERE name = 'sollicitations'") == 0 ? 0 : t.compter("SELECT count(*) FROM sollicitations"), 0)
    }

    /// Review 4 (F4): « Orientation 1 » cleared on a row whose date, setting and decision
    /// are filled: the proposition was dropped without a word (creer_si). It is now a rejected
    /// row naming the filled columns and the empty one; a rank left wholly empty still
    /// creates nothing, and a proposition's count is unchanged elsewhere.
    func testUnRangRempliSansSaColonneDePresenceEstRejeteEtNonPerdu() throws {
        let t = try espace()
        var (lignes, entete) = try SuiviTests.lignesDuJumeau()
        let noms = lignes[entete].components(separatedBy: ";")
        let orientation = try XCTUnwrap(noms.firstIndex(of: "Orientation 1"))
        // The first call with an orientation: its « Orientation 1 » cleared.
        let k = try XCTUnwrap(lignes.indices.first { $0 > entete && lignes[$0].components(separatedBy: ";")[orientation] != "" })
        var champs = lignes[k].components(separatedBy: ";")
        champs[orientation] = ""
        lignes[k] = champs.joined(separator: ";")
        let url = t.dossier.appendingPathComponent("suivi-appels-2025.csv")
        try Data(lignes.joined(separator: "\r\n").utf8).write(to: url)
        let b = try t.importer([url, SuiviTests.exemples.appendingPathComponent("partenaires-c360.csv")]) {
            $0.profils = [try! ProfilCorrespondance.charger(SuiviTests.profil)]
        }
        let p = try entree(b, .propositions)
        XCTAssertEqual([p.lues, p.importees, p.rejetees], [12, 9, 3], "\(p.exemples.map(\.message))")
        let r = try XCTUnwrap(p.exemples.first { $0.message.contains("« Orientation 1 » est vide") }, "\(p.exemples.map(\.message))")
        XCTAssertEqual(r.ligne, k + 1)
        XCTAssertTrue(r.message.contains("« Date orientation 1 »") && r.message.contains("ni enregistrée ni comptée"), r.message)
        XCTAssertEqual(r.colonneSource, "Orientation 1")
    }

    /// Review 4 (L2) and the regression review (H1): a row holding only input formats
    /// (« JJ/MM/AAAA », « O/N ») besides its number is prepared in advance, set aside; a help
    /// row with other words (« ex. A-001 », « en années ») is rejected with the advice to filter
    /// it; a call with two hints left in its cells is a call, rejected for what it lacks (a
    /// first version set it aside without a word).
    func testLesFormatsDeSaisieNeSontPasDesDonnees() throws {
        let t = try espace()
        var (lignes, entete) = try SuiviTests.lignesDuJumeau()
        let noms = lignes[entete].components(separatedBy: ";")
        func ligne(_ valeurs: [String: String]) -> String { noms.map { valeurs[$0] ?? "" }.joined(separator: ";") }
        let aide = ligne(["N° appel": "ex. A-001", "Date de l'appel": "JJ/MM/AAAA", "Réf. personne": "n° dossier", "Âge": "en années",
                          "Aller-vers": "O/N", "Suivi par la C360": "O/N", "Date orientation 1": "JJ/MM/AAAA"])
        let preparee = ligne(["N° appel": "A-800", "Date de l'appel": "JJ/MM/AAAA", "Aller-vers": "O/N", "Suivi par la C360": "O/N"])
        // A call typed in a prepared row, two hints left (its date is there).
        var appel = lignes[entete + 1].components(separatedBy: ";")
        appel[0] = "A-900"
        appel[try XCTUnwrap(noms.firstIndex(of: "Aller-vers"))] = "O/N"
        appel[try XCTUnwrap(noms.firstIndex(of: "Date de clôture"))] = "JJ/MM/AAAA"
        lignes.insert(contentsOf: [aide, preparee, appel.joined(separator: ";")], at: entete + 1)
        let url = t.dossier.appendingPathComponent("suivi-appels-2025.csv")
        try Data(lignes.joined(separator: "\r\n").utf8).write(to: url)
        let b = try t.importer([url]) { $0.profils = [try! ProfilCorrespondance.charger(SuiviTests.profil)] }
        let s = try entree(b, .sollicitations)
        XCTAssertEqual(s.lignesIgnorees, 2, "la ligne préparée et la ligne de total")
        XCTAssertEqual([s.lues, s.importees, s.rejetees], [16, 12, 4], "\(s.exemples.map(\.message))")
        let rejetAide = try XCTUnwrap(s.exemples.first { $0.ligne == entete + 2 }, "\(s.exemples.map(\.ligne))")
        XCTAssertTrue(rejetAide.message.contains("ligne d'aide sous l'en-tête") && rejetAide.message.contains("ignorer_lignes"), rejetAide.message)
        XCTAssertTrue(rejetAide.message.contains("{ \"Date de l'appel\": { motif: \"JJ*\" } }"), rejetAide.message)
        XCTAssertTrue(s.exemples.contains { $0.identifiant == "A-900" }, "l'appel est rejeté, pas écarté : \(s.exemples.map(\.message))")
    }

    // MARK: - Snapshots

    func testLeTableurReexporteLaisseExactementLeNouvelEtat() throws {
        let t = try espace()
        _ = try importer(t, ["suivi-appels-2025.xlsx"])
        let b = try importer(t, ["suivi-appels-2025-reexport.xlsx"])
        let s = try entree(b, .sollicitations), p = try entree(b, .propositions), a = try entree(b, .acteurs)
        XCTAssertTrue(s.instantane)
        XCTAssertEqual([s.ajoutees, s.modifiees, s.inchangees, s.supprimees], [0, 2, 8, 2], "A-002 et A-010 modifiées, A-003 et A-008 supprimées")
        XCTAssertEqual([p.ajoutees, p.modifiees, p.inchangees, p.supprimees], [0, 1, 9, 0], "la décision de A-004 prise")
        XCTAssertEqual([a.ajoutees, a.modifiees, a.inchangees, a.supprimees], [0, 0, 4, 0])
        XCTAssertEqual(s.importees, s.ajoutees + s.modifiees + s.inchangees)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 10)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations WHERE id_sollicitation IN ('A-003', 'A-008')"), 0)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations WHERE id_sollicitation = 'A-002' AND territoire = 'Arrageois'"), 1)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM propositions WHERE id_proposition = 'A-004-1' AND decision = 'acceptee'"), 1)
        let tableau = try tableau(t)
        XCTAssertEqual(tableau["1.1"]?.valeur, 10)
        XCTAssertEqual(tableau["1.3"]?.valeur, 9, "A-010 est devenue une recherche de solution")
        XCTAssertEqual(tableau["1.6"]?.valeur, 7)
        XCTAssertEqual(repartition(tableau["1.2"]), ["enfant_sh": 4, "adulte_sh": 4, "aidant": 2, "professionnel": 0])
        // The quality of the current state: the rejects of the replaced import are not counted twice.
        let etat = try t.base().file.read { db in try EtatQualite.lire(db) }
        let parTable = Dictionary(uniqueKeysWithValues: etat.tables.map { ($0.table, $0) })
        XCTAssertEqual(parTable["sollicitations"]?.enregistrees, 10)
        XCTAssertEqual(parTable["sollicitations"]?.rejetees, 2)
        XCTAssertEqual(parTable["propositions"]?.enregistrees, 10)
        XCTAssertEqual(parTable["propositions"]?.rejetees, 2)
        XCTAssertEqual(etat.totalAvertissements, 1)
        XCTAssertEqual(etat.imports.filter { $0.table == "sollicitations" }.count, 1, "l'import remplacé ne compte plus")
        // The same bytes again: nothing changes.
        let avant = try t.instantane()
        let encore = try importer(t, ["suivi-appels-2025-reexport.xlsx"])
        XCTAssertTrue(encore.fichiers.allSatisfy(\.dejaImporte))
        XCTAssertEqual(try t.instantane(), avant)
    }

    /// A row of a snapshot that is now rejected keeps its previous version (a typo does not
    /// remove a request from the counts); an empty or entirely rejected export removes nothing.
    func testInstantaneCanoniqueLignesRejeteesConserveesExportVideSansEffet() throws {
        let t = try EspaceDeTest()
        let v1 = try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, (1...5).map { CSV.sollicitation("S\($0)", personne: "P\($0)") }))
        let b1 = try t.importer([v1]) { $0.instantane = true }
        XCTAssertEqual(b1.fichiers[0].ajoutees, 5)
        let v2 = try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, [
            CSV.sollicitation("S1", personne: "P1"), CSV.sollicitation("S2", date: "31/02/2025", personne: "P2"),
            CSV.sollicitation("S3", personne: "P3", profil: "aidant"), CSV.sollicitation("S6", personne: "P6"),
        ]))
        let b2 = try t.importer([v2]) { $0.instantane = true }
        let f = b2.fichiers[0]
        XCTAssertEqual([f.ajoutees, f.modifiees, f.inchangees, f.supprimees, f.rejetees], [1, 1, 1, 2, 1])
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 4)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations WHERE id_sollicitation IN ('S1', 'S2', 'S3', 'S6')"), 4, "S2 rejetée garde sa version précédente")
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations WHERE id_sollicitation IN ('S4', 'S5')"), 0)
        let vide = try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, [CSV.sollicitation("S1", date: "2099-01-01")]))
        let b3 = try t.importer([vide]) { $0.instantane = true }
        XCTAssertEqual(b3.fichiers[0].importees, 0)
        XCTAssertEqual(b3.fichiers[0].supprimees, 0)
        XCTAssertTrue(b3.notes.contains { $0.contains("rien n'a été supprimé") }, "\(b3.notes)")
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 4)
    }

    /// A tracker row whose call date and orientation date are both corrected a month later:
    /// the request moves after the old date of its proposition, which the same row moves too.
    /// (Storing the request first broke the rule « a proposition never comes before its
    /// request » for an instant, and the whole import failed, every month after.) A request
    /// moved after a proposition that the file does not move is rejected, and keeps its date.
    func testUneDateDAppelCorrigeeAvecSonOrientation() throws {
        let t = try EspaceDeTest()
        let profil = try profilDeSuivi(instantane: true, propositions: SuiviTests.uneOrientation)
        let entete = "N;D;P;Orientation;Date orientation\n"
        let v1 = try t.ecrire("suivi.csv", entete + "X1;2025-01-06;Q;SAVS;2025-01-20\nX2;2025-01-07;R;SAVS;2025-01-21\n")
        _ = try t.importer([v1]) { $0.profil = profil }
        let v2 = try t.ecrire("suivi.csv", entete + "X1;2025-01-26;Q;SAVS;2025-01-28\nX2;2025-01-25;R;SAVS;2025-01-21\n")
        let b = try t.importer([v2]) { $0.profil = profil }
        let s = try entree(b, .sollicitations), p = try entree(b, .propositions)
        XCTAssertEqual([s.modifiees, s.inchangees, s.rejetees, s.supprimees], [1, 0, 1, 0])
        XCTAssertEqual([p.modifiees, p.inchangees, p.rejetees], [1, 1, 0])
        XCTAssertEqual(b.code, .rejets)
        let rejet = try XCTUnwrap(s.exemples.first)
        XCTAssertEqual(rejet.regle, .dateIncoherente)
        XCTAssertEqual(rejet.ligne, 3)
        XCTAssertTrue(rejet.message.contains("la base garde la sollicitation telle qu'elle était"), rejet.message)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations WHERE id_sollicitation = 'X1' AND date_sollicitation = '2025-01-26'"), 1)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM propositions WHERE id_proposition = 'X1-1' AND date_proposition = '2025-01-28' AND date_sollicitation = '2025-01-26'"), 1)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations WHERE id_sollicitation = 'X2' AND date_sollicitation = '2025-01-07'"), 1,
                       "X2 rejetée garde sa date (sa proposition du 21 la précéderait)")
        XCTAssertEqual(try t.compter("SELECT count(*) FROM propositions WHERE date_proposition < date_sollicitation"), 0)
        // A duplicate of a request waiting for the end of the file is a duplicate.
        let v3 = try t.ecrire("suivi.csv", entete + "X1;2025-01-26;Q;SAVS;2025-01-28\nX2;2025-01-30;R;;\nX2;2025-01-31;R;;\n")
        let c = try t.importer([v3]) { $0.profil = profil }
        let s3 = try entree(c, .sollicitations)
        XCTAssertEqual(s3.motifs, ["date_incoherente": 1, "doublon": 1])
    }

    /// The example CSV twin with some cells changed (« A-005 » → column → new text), written
    /// in `encodage` under the name of the twin, so that the shipped profile takes it.
    func jumeauModifie(_ t: EspaceDeTest, _ changements: [String: [Int: String]], macRoman: Bool = false) throws -> URL {
        let source = try String(contentsOf: SuiviTests.exemples.appendingPathComponent("suivi-appels-2025.csv"), encoding: .windowsCP1252)
        var lignes = source.components(separatedBy: "\r\n")
        for (i, l) in lignes.enumerated() {
            var champs = l.components(separatedBy: ";")
            guard let c = changements[champs[0]] else { continue }
            XCTAssertFalse(l.contains("\""), "ligne sans guillemets")
            for (k, v) in c { champs[k] = v }
            lignes[i] = champs.joined(separator: ";")
        }
        let dossier = t.dossier.appendingPathComponent("modifie-\(changements.count)-\(macRoman)")
        try FileManager.default.createDirectory(at: dossier, withIntermediateDirectories: true)
        let url = dossier.appendingPathComponent("suivi-appels-2025.csv")
        let texte = lignes.joined(separator: "\r\n")
        try (macRoman ? SuiviTests.macRoman(texte) : try XCTUnwrap(texte.data(using: .windowsCP1252))).write(to: url)
        return url
    }

    /// A text in Mac Roman (Foundation's `.macOSRoman` on Linux is not Mac Roman: é gives 0xBC).
    static func macRoman(_ texte: String) -> Data {
        var inverse: [Unicode.Scalar: UInt8] = [:]
        for b in UInt8(0x80)...UInt8(0xFF) { inverse[LecteurCSV.decoderMacRoman([b]).unicodeScalars.first!] = b }
        return Data(texte.unicodeScalars.map { $0.isASCII ? UInt8($0.value) : inverse[$0]! })
    }

    /// Review 3 (H1): a year typed alone into a date cell (17/07/1905), a two-digit year after
    /// this one (« 14/04/27 » read 1927) were stored, and the call left every report. A date
    /// before 2000 is rejected, saying why. (H2) The age was the first number of any text:
    /// « 18 mois » ranged a baby among the 16-21, a birth date typed « 12/03/1998 » under 16.
    /// Now « 18 mois » is 1,5 year, and what is not an age is rejected with its reason.
    func testUneDateDuSiecleDernierEtUnAgeQuiNEnEstPasUnSontRejetes() throws {
        let t = try espace()
        let fichier = try jumeauModifie(t, ["A-001": [6: "18 mois"], "A-002": [1: "14/04/27"], "A-003": [6: "12/03/1998"],
                                            "A-004": [1: "2025"]])
        let b = try t.importer([fichier, SuiviTests.exemples.appendingPathComponent("partenaires-c360.csv")]) { o in
            o.profils = [try! ProfilCorrespondance.charger(SuiviTests.profil)]
        }
        let s = try entree(b, .sollicitations)
        // The twin already holds one of each (a 31st of a short month, an unknown caller).
        XCTAssertEqual(s.motifs["date_invalide"], 1 + 2, "\(s.motifs)")
        XCTAssertEqual(s.motifs["valeur_inconnue"], 1 + 1, "\(s.motifs)")
        let date = try XCTUnwrap(s.exemples.first { $0.regle == .dateInvalide })
        XCTAssertTrue(date.message.contains("antérieure à 2000") && date.message.contains("vérifiez l'année"), date.message)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations WHERE date_sollicitation < '2000-01-01'"), 0)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations WHERE id_sollicitation IN ('A-002', 'A-003', 'A-004')"), 0)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations WHERE id_sollicitation = 'A-001' AND tranche_age = 'moins_16' AND profil = 'enfant_sh'"), 1,
                       "18 mois : un bébé, pas un 16-21 ans")
    }

    /// Review 3 (M3, L4): a date that only reads month first (an English-language spreadsheet)
    /// and a date cell's serial number saved in a CSV get the generic message no more: each
    /// says what happened and what to do.
    func testUneDateMoisAvantJourOuUnNumeroDeSerieDitQuoiFaire() throws {
        let t = try espace()
        let b = try t.importer([try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, [
            CSV.sollicitation("S1", date: "01/20/2025", personne: "P1"), CSV.sollicitation("S2", date: "45720", personne: "P2")]))])
        let messages = try entree(b, .sollicitations).exemples.map(\.message)
        XCTAssertEqual(messages.count, 2)
        XCTAssertTrue(messages.contains { $0.contains("le mois en premier") && $0.contains("format_date: MM/JJ/AAAA") }, "\(messages)")
        XCTAssertTrue(messages.contains { $0.contains("date Excel enregistrée sans son format") }, "\(messages)")
        XCTAssertFalse(messages.joined().contains("45720") || messages.joined().contains("01/20/2025"), "aucune valeur citée en entier")
    }

    /// Review 3 (H3): Excel for Mac saves « CSV » in Mac Roman, which was read as Windows-1252:
    /// « Hénin-Carvin » stored as « HŽnin-Carvin », the tracker's headers not found. Mac Roman
    /// is recognised (its French letters are the bytes Windows-1252 keeps for punctuation) and
    /// the file gives the figures of its Windows-1252 twin.
    func testUnCSVDExcelPourMacEnMacRomanDonneLesMemesChiffres() throws {
        let t = try espace()
        let fichier = try jumeauModifie(t, [:], macRoman: true)
        let b = try t.importer([fichier, SuiviTests.exemples.appendingPathComponent("partenaires-c360.csv")]) { o in
            o.profils = [try! ProfilCorrespondance.charger(SuiviTests.profil)]
        }
        let format = try entree(b, .sollicitations).format
        XCTAssertTrue(format.contains("Mac Roman"), format)
        verifierChiffres(try tableau(t))
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations WHERE territoire NOT IN ('Arrageois', 'Audomarois', 'Lens-Liévin', 'Hénin-Carvin', 'Ternois', 'Côte d''Opale', 'Boulonnais', 'Calaisis', 'Montreuillois')"), 0)
        XCTAssertEqual(Array(SuiviTests.macRoman("é è à ç Ç É €")), [0x8E, 0x20, 0x8F, 0x20, 0x88, 0x20, 0x8D, 0x20, 0x82, 0x20, 0x83, 0x20, 0xDB])
        XCTAssertTrue(LecteurCSV.semblableMacRoman(Array(SuiviTests.macRoman("Réf. personne;Décision 1;Âge"))))
        XCTAssertFalse(LecteurCSV.semblableMacRoman(Array("Réf. personne;Décision 1;Âge;l’aidant".data(using: .windowsCP1252)!)))
        XCTAssertFalse(LecteurCSV.semblableMacRoman(Array("Membre cœur;Côte d’Opale".data(using: .windowsCP1252)!)))
    }

    /// A snapshot that no longer holds a large part of what its source held before it (a new
    /// year's workbook matching the same profile, a filtered copy, identifiers that all
    /// changed) is refused whole: nothing added, nothing removed, exit code 65, with why and the
    /// command that confirms. Its own new rows do not dilute the share (a new year's workbook
    /// grown larger than the old one is still refused). A few rows removed go as before.
    func testUnInstantaneQuiPerdUneGrandePartieDeSaSourceEstRefuse() throws {
        let t = try EspaceDeTest()
        let v1 = try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, (1...20).map { CSV.sollicitation("S\($0)", personne: "P\($0)") }))
        _ = try t.importer([v1]) { $0.instantane = true }
        let peu = try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, (1...16).map { CSV.sollicitation("S\($0)", personne: "P\($0)") }))
        let b1 = try t.importer([peu]) { $0.instantane = true }
        XCTAssertEqual(b1.fichiers[0].supprimees, 4)
        XCTAssertEqual(b1.code, .succes)
        // The new year's workbook, larger than the old one: 16 of the 16 rows stored before are absent.
        let nouvelle = try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, (101...200).map { CSV.sollicitation("S\($0)", personne: "P\($0)") }))
        let b2 = try t.importer([nouvelle]) { $0.instantane = true }
        let e = try XCTUnwrap(b2.fichiers[0].erreur)
        XCTAssertFalse(e.enAttente)
        XCTAssertTrue(e.raison.contains("aucune ligne en commun (aucun identifiant) avec les 16 lignes"), e.raison)
        XCTAssertTrue(e.conseil.contains("c360 importer --instantane --accepter-suppressions '"), e.conseil)
        XCTAssertEqual(b2.code, .donneesIllisibles)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 16, "rien d'ajouté, rien de supprimé")
        // Confirmed: the old rows go, the new ones come.
        let b3 = try t.importer([nouvelle]) { $0.instantane = true; $0.accepterSuppressions = true }
        XCTAssertEqual([b3.fichiers[0].ajoutees, b3.fichiers[0].supprimees], [100, 16])
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 100)
        XCTAssertFalse(Importeur.suppressionSuspecte(absentes: 4, enregistrees: 5))
        XCTAssertFalse(Importeur.suppressionSuspecte(absentes: 20, enregistrees: 400))
        XCTAssertTrue(Importeur.suppressionSuspecte(absentes: 10, enregistrees: 13))
    }

    /// The share is taken over the file's tables together: a tracker dropping 7 duplicate
    /// calls of 60 loses 7 requests and their 7 propositions (12 % of what it held), not « 23 %
    /// of the propositions » — a normal month, not a refusal.
    func testLaPartSupprimeeSeCompteSurToutLeFichier() throws {
        let t = try EspaceDeTest()
        let profil = try profilDeSuivi(instantane: true, propositions: SuiviTests.uneOrientation)
        func suivi(_ n: ClosedRange<Int>) -> String {
            "N;D;P;Orientation;Date orientation\n" + n.map { i in "X\(i);2025-01-06;P\(i);" + (i <= 30 ? "SAVS;2025-01-20" : ";") }.joined(separator: "\n") + "\n"
        }
        _ = try t.importer([try t.ecrire("suivi.csv", suivi(1...60))]) { $0.profil = profil }
        let b = try t.importer([try t.ecrire("suivi.csv", suivi(8...60))]) { $0.profil = profil }
        XCTAssertNil(b.fichiers.first?.erreur, "\(b.fichiers.first?.erreur?.description ?? "")")
        XCTAssertEqual(b.fichiers.map(\.supprimees), [7, 7])
    }

    /// A tracker with no request number, whose profile joins the caller's name and the call
    /// date into an identifier (`assembler`, as the docs suggest): the identifier is
    /// pseudonymised like the person's, in the requests, the propositions derived from them,
    /// the rejects and the warnings; a re-export finds the same rows.
    func testUnIdentifiantAssembleNEntreJamaisEnClair() throws {
        let t = try EspaceDeTest()
        let profil = try profilDeSuivi(instantane: true, identifiant: "{ assembler: [Nom, D] }", personne: "Nom", problematiques: "Pb", propositions: SuiviTests.uneOrientation)
        let contenu = "Nom;D;Pb;Orientation;Date orientation\nDUPONT Jean;2025-01-06;emploi;SAVS;2025-01-20\nMARTIN Zoé;2025-01-07;;SAVS;2025-01-02\n"
        let b = try t.importer([try t.ecrire("suivi.csv", contenu)]) { $0.profil = profil }
        XCTAssertEqual(b.fichiers.map(\.importees), [2, 1])
        XCTAssertEqual(b.fichiers.map(\.rejetees), [0, 1], "l'orientation de MARTIN précède l'appel")
        let ids = try t.base().file.read { db in try String.fetchAll(db, sql: "SELECT id_sollicitation FROM sollicitations ORDER BY 1") }
        XCTAssertEqual(ids.count, 2)
        for id in ids { XCTAssertTrue(id.count == 32 && id.allSatisfy { "0123456789abcdef".contains($0) }, id) }
        XCTAssertEqual(try t.compter("SELECT count(*) FROM propositions p JOIN sollicitations s USING (id_sollicitation)"), 1)
        // Nothing of the names anywhere in the database (rows, rejects, warnings).
        let base = try Data(contentsOf: t.espace.baseDeDonnees)
        for nom in ["DUPONT", "MARTIN", "Zoé"] {
            XCTAssertNil(base.range(of: Data(nom.utf8)), nom)
        }
        let textes = try t.base().file.read { db in
            try String.fetchAll(db, sql: "SELECT coalesce(identifiant, '') || ' ' || message FROM rejets UNION ALL SELECT coalesce(identifiant, '') || ' ' || message FROM avertissements")
        }
        XCTAssertFalse(textes.isEmpty)
        for texte in textes { XCTAssertFalse(texte.contains("DUPONT") || texte.contains("MARTIN"), texte) }
        // The same export again: the same identifiers.
        let c = try t.importer([try t.ecrire("suivi.csv", contenu + "")]) { $0.profil = profil; $0.forcer = true }
        XCTAssertEqual(c.fichiers.map(\.inchangees), [2, 1])
    }

    /// A workspace filled by an earlier version, whose profile joined names into identifiers
    /// stored in clear: the next import of the source gives those rows their pseudonym (the
    /// one the export now gives them), so nothing doubles and no name stays — in append mode
    /// as well as for a snapshot.
    func testLesIdentifiantsAssemblesEnClairDUneVersionPrecedenteSontPseudonymises() throws {
        for instantane in [false, true] {
            let t = try EspaceDeTest()
            let propositions = SuiviTests.uneOrientation
            // What the earlier version stored: the joined text as it is (a column holding it).
            let avant = try profilDeSuivi(instantane: instantane, identifiant: "Id", personne: "Nom", problematiques: "Pb", propositions: propositions)
            let ancien = "Id;Nom;D;Pb;Orientation;Date orientation\nDUPONT Jean-2025-01-06;DUPONT Jean;2025-01-06;emploi;SAVS;2025-01-20\nMARTIN Zoé-2025-01-07;MARTIN Zoé;2025-01-07;emploi;;\n"
            _ = try t.importer([try t.ecrire("suivi.csv", ancien)]) { $0.profil = avant }
            XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations WHERE id_sollicitation LIKE 'DUPONT%'"), 1)
            let apres = try profilDeSuivi(instantane: instantane, identifiant: "{ assembler: [Nom, D] }", personne: "Nom", problematiques: "Pb", propositions: propositions)
            let nouveau = "Nom;D;Pb;Orientation;Date orientation\nDUPONT Jean;2025-01-06;emploi;SAVS;2025-01-20\nMARTIN Zoé;2025-01-07;emploi;;\n"
            let b = try t.importer([try t.ecrire("suivi.csv", nouveau)]) { $0.profil = apres }
            XCTAssertNil(b.fichiers.first?.erreur, "\(b.fichiers.first?.erreur?.description ?? "")")
            XCTAssertTrue(b.notes.contains { $0.contains("3 identifiants enregistrés en clair") }, "\(b.notes)")
            XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 2, "instantané : \(instantane)")
            XCTAssertEqual(try t.compter("SELECT count(*) FROM propositions p JOIN sollicitations s USING (id_sollicitation)"), 1)
            XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations WHERE id_sollicitation LIKE '%DUPONT%' OR id_sollicitation LIKE '%MARTIN%'"), 0)
            XCTAssertEqual(try t.compter("SELECT count(*) FROM propositions WHERE id_proposition LIKE '%DUPONT%' OR id_sollicitation LIKE '%DUPONT%'"), 0)
            if instantane {
                XCTAssertEqual(b.fichiers.map(\.ajoutees), [0, 0], "les lignes retrouvées sous leur pseudonyme")
                XCTAssertEqual(b.fichiers.map(\.modifiees), [2, 1], "leur empreinte portait l'identifiant en clair")
            }
        }
    }

    /// One workbook per year, each its own source as the docs say, but numbers starting again
    /// at 1: the 2026 workbook's call 1 is not written over 2025's call 1 (each snapshot
    /// source owns its rows); it is rejected with what to do, and so is its orientation.
    func testDeuxClasseursAuxMemesNumerosNeSEcrasentPas() throws {
        let t = try EspaceDeTest()
        func profil(_ source: String) throws -> ProfilCorrespondance {
            var p = try profilDeSuivi(instantane: true, propositions: SuiviTests.uneOrientation)
            p.sources[0].nom = source
            return p
        }
        let entete = "N;D;P;Orientation;Date orientation\n"
        _ = try t.importer([try t.ecrire("suivi-2025.csv", entete + "1;2025-03-06;Q;;\n2;2025-03-07;R;SAVS;2025-03-20\n")]) { $0.profil = try! profil("suivi-2025") }
        let b = try t.importer([try t.ecrire("suivi-2026.csv", entete + "1;2026-01-06;S;SAVS;2026-01-08\n3;2026-01-07;T;;\n")]) { $0.profil = try! profil("suivi-2026") }
        let s = try entree(b, .sollicitations), p = try entree(b, .propositions)
        XCTAssertEqual([s.ajoutees, s.rejetees], [1, 1])
        XCTAssertTrue(s.exemples.first?.message.contains("autre classeur") == true, "\(s.exemples)")
        XCTAssertEqual([p.ajoutees, p.rejetees], [0, 1], "l'orientation de l'appel 1 de 2026 ne va pas à l'appel 1 de 2025")
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations WHERE id_sollicitation = '1' AND date_sollicitation = '2025-03-06'"), 1)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM propositions"), 1)
    }

    /// Review 3 (L1): two territories' trackers matching the same source, dropped together:
    /// the second, which would remove the first's rows, is refused (snapshot guard); the note
    /// said the refused one « décrit l'état gardé » (and twice for a workbook of two sheets).
    /// It names the state kept.
    func testUnEtatPlusRecentRefuseLaisseLAncienEtLaNoteLeDit() throws {
        let t = try EspaceDeTest()
        let arras = try t.ecrire("suivi arras.csv", CSV.fichier(CSV.enteteSollicitations, (1...20).map { CSV.sollicitation("A\($0)", personne: "P\($0)") }))
        let ternois = try t.ecrire("suivi ternois.csv", CSV.fichier(CSV.enteteSollicitations, (1...20).map { CSV.sollicitation("T\($0)", personne: "Q\($0)") }))
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -600)], ofItemAtPath: arras.path)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -300)], ofItemAtPath: ternois.path)
        let b = try t.importer([arras, ternois]) { $0.instantane = true; $0.table = .sollicitations }
        XCTAssertNotNil(b.fichiers.first { $0.fichier == "suivi ternois.csv" }?.erreur, "\(b.fichiers.map(\.fichier))")
        XCTAssertEqual(b.notes.filter { $0.contains("états complets") }.count, 1, "\(b.notes)")
        XCTAssertTrue(b.notes.contains { $0.contains("« suivi ternois.csv » a été refusé") && $0.contains("l'état gardé est celui de « suivi arras.csv »") }, "\(b.notes)")
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations WHERE id_sollicitation LIKE 'A%'"), 20)
    }

    /// March's and April's complete exports of a tracker dropped together: applied from the
    /// oldest to the newest (by modification time, not by name: « avril » < « mars »), so that
    /// April's state stays; the summary says so.
    func testDeuxEtatsDUneSourceAppliquesDuPlusAncienAuPlusRecent() throws {
        let t = try EspaceDeTest()
        let mars = try t.ecrire("suivi mars.csv", CSV.fichier(CSV.enteteSollicitations, (1...6).map { CSV.sollicitation("S\($0)", personne: "P\($0)") }))
        let avril = try t.ecrire("suivi avril.csv", CSV.fichier(CSV.enteteSollicitations, (1...8).map { CSV.sollicitation("S\($0)", personne: "P\($0)", profil: "aidant") }))
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -600)], ofItemAtPath: mars.path)
        try FileManager.default.setAttributes([.modificationDate: Date(timeIntervalSinceNow: -120)], ofItemAtPath: avril.path)
        let b = try t.importer([avril, mars]) { $0.instantane = true; $0.table = .sollicitations }
        XCTAssertEqual(b.fichiers.map(\.fichier), ["suivi mars.csv", "suivi avril.csv"])
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations WHERE profil = 'aidant'"), 8)
        XCTAssertTrue(b.notes.contains { $0.contains("« suivi avril.csv », décrit l'état gardé") }, "\(b.notes)")
        // The same modification time (copied without their dates): neither is applied.
        let date = Date(timeIntervalSinceNow: -60)
        for u in [mars, avril] { try FileManager.default.setAttributes([.modificationDate: date], ofItemAtPath: u.path) }
        let c = try t.importer([avril, mars]) { $0.instantane = true; $0.table = .sollicitations; $0.forcer = true }
        XCTAssertEqual(c.fichiers.compactMap(\.erreur).count, 2)
        XCTAssertTrue(c.fichiers[0].erreur?.raison.contains("même date de modification") == true)
        XCTAssertEqual(c.code, .donneesIllisibles)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations WHERE profil = 'aidant'"), 8, "rien n'a changé")
    }

    /// A totals row at the bottom of a workbook written by a program: its formulas have no
    /// saved value. The profile's filter (`ignorer_lignes`) sets it aside, as it would with
    /// values, instead of rejecting it for its unreadable cells.
    func testUneLigneDeTotalSansValeursEstEcarteeParLeFiltre() throws {
        let t = try EspaceDeTest()
        let profil = try ProfilCorrespondance.analyser("""
            nom: p
            sources:
              s:
                fichiers: ["*.xlsx"]
                ignorer_lignes:
                  - { "id_sollicitation": { motif: "total*" } }
                tables:
                  sollicitations: {}
            """, fichier: "p.yml", nomParDefaut: "p")
        typealias X = LectureXLSXHostileTests
        let canal = X.position("canal")
        let url = t.dossier.appendingPathComponent("suivi.xlsx")
        try AttaquesTests.classeur(url, AttaquesTests.partiesClasseur(feuille: "<worksheet><sheetData>" + [
            X.entete(), X.ligne(2, X.sollicitation("S1")),
            X.ligne(3, X.sollicitation("Total"), cellules: [canal: "<c r=\"@\"><f>COUNTA(A2:A2)</f><v/></c>"]),
            // Numbered in advance, a lookup copied down giving #N/A: not a call yet.
            X.ligne(4, ["X9"] + Array(repeating: "", count: X.colonnes.count - 1), cellules: [canal: "<c r=\"@\" t=\"e\"><f>VLOOKUP(A4,L!A:B,2,0)</f><v>#N/A</v></c>"]),
        ].joined() + "</sheetData></worksheet>", partagees: nil))
        let b = try t.importer([url]) { $0.profil = profil }
        let f = try XCTUnwrap(b.fichiers.first)
        XCTAssertEqual([f.lues, f.importees, f.rejetees, f.lignesIgnorees], [1, 1, 0, 2], "\(f.exemples)")
    }

    /// Review (M5, N2): a tracker prepared in advance has its numbers and formulas copied down
    /// (a delay, the month's name). In a workbook, what a formula gives in a column the profile
    /// does not read, or 0 in one it reads, does not make a row a call; a formula's value in a
    /// read column does (a sheet mirroring another one), and so does anything typed in. In a
    /// CSV file, which keeps no formulas, the profile names them (`colonnes_calculees`); until
    /// it does, the rejection says so.
    func testLesFormulesRecopieesSurDesLignesPrepareesDAvanceNeSontPasDesAppels() throws {
        let t = try EspaceDeTest()
        func profil(_ calculees: String = "") throws -> ProfilCorrespondance {
            try ProfilCorrespondance.analyser("""
                nom: p
                sources:
                  s:
                    fichiers: ["*.xlsx", "*.csv"]
                \(calculees.isEmpty ? "" : "    colonnes_calculees: \(calculees)\n")    tables:
                      sollicitations: {}
                """, fichier: "p.yml", nomParDefaut: "p")
        }
        typealias X = LectureXLSXHostileTests
        let n = X.colonnes.count
        let (canal, delai, mois) = (X.position("canal"), n, n + 1)
        func numero(_ id: String) -> [String] { [id] + Array(repeating: "", count: n + 1) }
        let url = t.dossier.appendingPathComponent("suivi.xlsx")
        try AttaquesTests.classeur(url, AttaquesTests.partiesClasseur(feuille: "<worksheet><sheetData>" + [
            X.entete(extra: ["Délai", "Mois"]),
            X.ligne(2, X.sollicitation("S1", extra: ["3", "mars"])),
            // Prepared in advance: the delay gives 0, the month « janvier » (unread columns).
            X.ligne(3, numero("X3"), cellules: [delai: "<c r=\"@\"><f>C3-B3</f><v>0</v></c>",
                                                mois: "<c r=\"@\" t=\"str\"><f>TEXT(B3,\"mmmm\")</f><v>janvier</v></c>"]),
            // A read column whose formula gives 0: still prepared in advance.
            X.ligne(4, numero("X4"), cellules: [canal: "<c r=\"@\"><f>Saisie!C4</f><v>0</v></c>"]),
            // A read column whose formula gives a value: data (mirrored from another sheet).
            X.ligne(5, numero("X5"), cellules: [canal: "<c r=\"@\" t=\"str\"><f>Saisie!C5</f><v>telephone</v></c>"]),
            // The month typed by hand: a call, to complete; the message names the column.
            X.ligne(6, numero("X6"), cellules: [mois: "<c r=\"@\" t=\"inlineStr\"><is><t>février</t></is></c>"]),
        ].joined() + "</sheetData></worksheet>", partagees: nil))
        let b = try t.importer([url]) { $0.profil = try! profil() }
        let f = try XCTUnwrap(b.fichiers.first)
        XCTAssertEqual([f.lues, f.importees, f.rejetees, f.lignesIgnorees], [3, 1, 2, 2], "\(f.exemples)")
        let conseil = try XCTUnwrap(f.exemples.first { $0.ligne == 6 }).message
        XCTAssertTrue(conseil.contains("« Mois »") && conseil.contains("colonnes_calculees"), conseil)
        XCTAssertFalse(conseil.contains("février"), "une valeur n'est jamais citée")
        let miroir = try XCTUnwrap(f.exemples.first { $0.ligne == 5 }).message
        XCTAssertFalse(miroir.contains("colonnes_calculees"), miroir)

        // The same tracker saved as CSV: the formulas are gone.
        let csv = t.dossier.appendingPathComponent("suivi.csv")
        let lignes = [(X.colonnes + ["Délai", "Mois"]), X.sollicitation("S1", extra: ["3", "mars"]),
                      numero("X3").enumerated().map { $0.offset == delai ? "0" : $0.offset == mois ? "janvier" : $0.element }]
        try (lignes.map { $0.joined(separator: ";") }.joined(separator: "\n") + "\n").write(to: csv, atomically: true, encoding: .utf8)
        let sans = try XCTUnwrap(try EspaceDeTest().importer([csv]) { $0.profil = try! profil() }.fichiers.first)
        XCTAssertEqual([sans.lues, sans.importees, sans.rejetees, sans.lignesIgnorees], [2, 1, 1, 0])
        let message = try XCTUnwrap(sans.exemples.first).message
        XCTAssertTrue(message.contains("« Délai », « Mois »") && message.contains("colonnes_calculees"), message)
        let avec = try XCTUnwrap(try EspaceDeTest().importer([csv]) { $0.profil = try! profil("[Délai, Mois]") }.fichiers.first)
        XCTAssertEqual([avec.lues, avec.importees, avec.rejetees, avec.lignesIgnorees], [1, 1, 0, 1])
    }

    // MARK: - Never skip silently

    func testLesMemesOctetsPourDeuxTablesOuDeuxProfilsSontImportesLesDeuxFois() throws {
        let t = try espace()
        let url = SuiviTests.exemples.appendingPathComponent("suivi-appels-2025.xlsx")
        let profil = try ProfilCorrespondance.charger(SuiviTests.profil)
        let b1 = try t.importer([url]) { $0.profil = profil; $0.table = .acteurs }
        XCTAssertEqual(b1.fichiers.map(\.table), [.acteurs])
        let b2 = try t.importer([url]) { $0.profil = profil; $0.table = .sollicitations }
        XCTAssertEqual(b2.fichiers.map(\.table), [.sollicitations])
        XCTAssertFalse(b2.fichiers[0].dejaImporte, "mêmes octets, autre table : importé")
        XCTAssertEqual(b2.fichiers[0].importees, 12)
        let b3 = try t.importer([url]) { $0.profil = profil; $0.table = .propositions }
        XCTAssertFalse(b3.fichiers[0].dejaImporte)
        XCTAssertEqual(b3.fichiers[0].importees, 10)
        // Another profile (same rules, another name): the same bytes are imported again.
        var autre = profil
        autre.nom = "suivi-appels-bis"
        let b4 = try t.importer([url]) { $0.profil = autre; $0.table = .propositions }
        XCTAssertFalse(b4.fichiers[0].dejaImporte)
        let b5 = try t.importer([url]) { $0.profil = autre; $0.table = .propositions }
        XCTAssertTrue(b5.fichiers[0].dejaImporte, "mêmes octets, même table, même profil : rien ne change")
    }

    func testLeProfilForceQuelQueSoitLeNomEtUnFichierInconnuCiteLesMotifs() throws {
        let t = try espace()
        let copie = t.dossier.appendingPathComponent("export du 3 octobre.csv")
        try FileManager.default.copyItem(at: SuiviTests.exemples.appendingPathComponent("suivi-appels-2025.csv"), to: copie)
        let b = try t.importer([copie]) { $0.profils = [try! ProfilCorrespondance.charger(SuiviTests.profil)] }
        let e = try XCTUnwrap(b.fichiers.first?.erreur)
        XCTAssertTrue(e.raison.contains("*suivi*appels*.csv (profil suivi-appels)"), e.raison)
        XCTAssertTrue(e.conseil.contains("--profil"), e.conseil)
        let force = try t.importer([copie]) { $0.profil = try! ProfilCorrespondance.charger(SuiviTests.profil) }
        XCTAssertEqual(force.fichiers.map(\.table), [.sollicitations, .propositions], "la source choisie d'après les colonnes")
        XCTAssertEqual(force.fichiers[0].importees, 12)
    }

    /// Review 3 (M1): `--profil` on a workbook whose name the patterns do not match took one
    /// source: the partners' sheet was skipped without a word, and every proposition naming a
    /// partner rejected (« importez d'abord le fichier des acteurs »). A workbook now gives
    /// every source whose sheet it has, as its usual name would; and a workbook with macros
    /// (`.xlsm`) is named by the `*.xlsx` patterns.
    func testLeProfilForceSurUnClasseurPrendToutesSesFeuilles() throws {
        let reference = try espace()
        let attendu = try importer(reference, ["suivi-appels-2025.xlsx"]).fichiers.map { "\($0.table.map(\.rawValue) ?? "") \($0.importees)" }
        XCTAssertEqual(attendu.count, 3, "\(attendu)")
        let t = try espace()
        let copie = t.dossier.appendingPathComponent("Tableau C360 2025.xlsx")
        try FileManager.default.copyItem(at: SuiviTests.exemples.appendingPathComponent("suivi-appels-2025.xlsx"), to: copie)
        let force = try t.importer([copie]) { $0.profil = try! ProfilCorrespondance.charger(SuiviTests.profil) }
        XCTAssertEqual(force.fichiers.map { "\($0.table.map(\.rawValue) ?? "") \($0.importees)" }, attendu)
        let u = try espace()
        let macros = u.dossier.appendingPathComponent("suivi-appels-2025.xlsm")
        try FileManager.default.copyItem(at: SuiviTests.exemples.appendingPathComponent("suivi-appels-2025.xlsx"), to: macros)
        let b = try u.importer([macros]) { $0.profils = [try! ProfilCorrespondance.charger(SuiviTests.profil)] }
        XCTAssertEqual(b.fichiers.map { "\($0.table.map(\.rawValue) ?? "") \($0.importees)" }, attendu)
    }

    // MARK: - Profiles

    func testRegleDeProfilConditionsPlagesMotifsDefauts() throws {
        let profil = try ProfilCorrespondance.analyser("""
            nom: essai
            sources:
              s:
                fichiers: ["*.csv"]
                ignorer_lignes:
                  - { "N°": { vide: oui } }
                tables:
                  sollicitations:
                    id_sollicitation: "N°"
                    date_sollicitation: Date
                    personne_id: { assembler: [Nom, Naissance] }
                    profil:
                      cas:
                        - si: { Qui: Parent, Age: { moins_de: 16 } }
                          valeur: enfant_sh
                      colonne: Qui
                      valeurs: { "Pro*": professionnel, Parent: aidant }
                      defaut: adulte_sh
                    type_demande: { valeur: information }
                    problematiques: { valeur: "" }
                    origine: { valeur: demande }
                    accompagnee: { valeur: non }
                    territoire: { colonnes: [Secteur, Commune] }
                    tranche_age:
                      colonne: Age
                      plages:
                        - { moins_de: 16, valeur: moins_16 }
                        - { au_moins: 16, moins_de: 21, valeur: 16_21 }
                        - { au_moins: 21, valeur: plus_21 }
            """, fichier: "essai.yml", nomParDefaut: "essai")
        let entete = ["Titre ignoré", "N°", "Date", "Nom", "Naissance", "Qui", "Age", "Secteur", "Commune"]
        let p = try ProjectionProfil.compiler(profil.sources[0], profil: profil, entete: entete, fichier: "x.csv")
        func ligne(_ champs: [String]) -> [String: String] {
            guard case .lignes(let l) = p.projeter(champs), let s = l.first else { return [:] }
            var d: [String: String] = [:]
            for (c, v) in zip(TableCanonique.sollicitations.colonnes, s.valeurs) where v != nil { d[c.nom] = v! }
            return d
        }
        var v = ligne(["", "1", "2025-01-02", "Dupont", "2015-02-03", "Parent", "9 ans", "", "Arras"])
        XCTAssertEqual(v["profil"], "enfant_sh")
        XCTAssertEqual(v["tranche_age"], "moins_16", "« 9 ans » se lit 9")
        XCTAssertEqual(v["personne_id"], "Dupont-2015-02-03")
        XCTAssertEqual(v["territoire"], "Arras", "la première colonne remplie")
        v = ligne(["", "2", "2025-01-02", "X", "Y", "Parent", "16", "Ternois", ""])
        XCTAssertEqual(v["profil"], "aidant")
        XCTAssertEqual(v["tranche_age"], "16_21")
        v = ligne(["", "3", "2025-01-02", "X", "Y", "professionnelle de santé", "50,5", "T", ""])
        XCTAssertEqual(v["profil"], "professionnel", "motif « Pro* »")
        XCTAssertEqual(v["tranche_age"], "plus_21")
        v = ligne(["", "4", "2025-01-02", "X", "", "", "", "T", ""])
        XCTAssertEqual(v["profil"], "adulte_sh", "défaut")
        XCTAssertEqual(v["personne_id"], "", "un élément manquant : identifiant vide (rejeté ensuite)")
        if case .ignoree = p.projeter(["", "", "x"]) {} else { XCTFail("ligne sans numéro écartée") }
        XCTAssertTrue(Motif("total*").correspond(Normalisation.cle("TOTAL général")))
        XCTAssertFalse(Motif("total*").correspond(Normalisation.cle("Sous-total")))
        XCTAssertTrue(Motif("*total*").correspond(Normalisation.cle("Sous-total")))
        XCTAssertEqual(Plage.nombre("environ 12,5 ans"), 12.5)
        XCTAssertNil(Plage.nombre("inconnu"))
        // Only an age: « 18 mois » is 1,5 year; a date, a date cell's serial number, a year of
        // birth or a number that is no age are not read (they ranged by their first digits:
        // a baby of 18 months among the 16-21, a birth date typed « 12/03/1998 » under 16).
        XCTAssertEqual(Plage.nombre("15 ans"), 15)
        XCTAssertEqual(Plage.nombre(" 15 "), 15)
        XCTAssertEqual(Plage.nombre("18 mois"), 1.5)
        XCTAssertEqual(Plage.nombre("17 ANS"), 17)
        XCTAssertNil(Plage.nombre("12/03/1998"))
        XCTAssertNil(Plage.nombre("42856"), "le numéro de série d'une cellule date")
        XCTAssertNil(Plage.nombre("né en 2012"))
        XCTAssertNil(Plage.nombre("2012"))
        XCTAssertNil(Plage.nombre("15 ans et 3 enfants"))
    }

    func testProfilInvalideNommeLaLigneYAML() {
        func erreur(_ texte: String) -> String {
            do {
                _ = try ProfilCorrespondance.analyser(texte, fichier: "p.yml", nomParDefaut: "p")
                return ""
            } catch { return "\(error)" }
        }
        var e = erreur("nom: p\nsources:\n  s:\n    tables:\n      sollicitations:\n        profill: Qui\n")
        XCTAssertTrue(e.contains("p.yml, ligne 6") && e.contains("vouliez-vous dire « profil »"), e)
        e = erreur("nom: p\nsources:\n  s:\n    tables:\n      propositions:\n        decision: \"Décision {n}\"\n")
        XCTAssertTrue(e.contains("rangs"), e)
        e = erreur("nom: p\nsources:\n  s:\n    tables:\n      sollicitations:\n        tranche_age:\n          colonne: Age\n          plages:\n            - { valeur: moins_16 }\n")
        XCTAssertTrue(e.contains("aucune borne") && e.contains("ligne 9"), e)
        e = erreur("nom: p\nsources:\n  s:\n    tables:\n      sollicitations:\n        profil: { colonne: Qui, valeur: aidant }\n")
        XCTAssertTrue(e.contains("une seule origine"), e)
        e = erreur("nom: p\nsources:\n  s:\n    instantane: peut-etre\n    tables:\n      acteurs:\n        nom: X\n")
        XCTAssertTrue(e.contains("oui ou non"), e)
        e = erreur("nom: p\ntables:\n  sollicitations: {}\nsources:\n  s: {}\n")
        XCTAssertTrue(e.contains("à la fois"), e)
    }

    /// A tracker with a single orientation column read by a profile that allows two; a header
    /// under a title line in a canonical CSV.
    func testRangAbsentEtTitreAuDessusDeLEnTeteCSV() throws {
        let t = try EspaceDeTest()
        let profil = try profilDeSuivi(propositions: """
            rangs: [1, 2]
            creer_si: { "Orientation {n}": { vide: non } }
            date_proposition: "Date {n}"
            evaluation_preexistante: { valeur: non }
            ad_hoc_partenaires: { valeur: non }
            milieu_ordinaire: { valeur: oui }
            decision: { valeur: en_attente }
            """)
        let url = try t.ecrire("suivi.csv", "Mon suivi 2025\n\nN;D;P;Orientation 1;Date 1\nX1;2025-02-01;Q;SAVS;2025-02-05\nX2;2025-02-02;R;;\n")
        let b = try t.importer([url]) { $0.profil = profil }
        XCTAssertEqual(b.fichiers.map(\.importees), [2, 1])
        XCTAssertEqual(try t.compter("SELECT count(*) FROM propositions WHERE id_proposition = 'X1-1'"), 1)
        // Rows numbered in advance, with nothing else yet: set aside, not rejected. A row with
        // anything else, mapped or not (a person, an orientation, a note), is a call: rejected
        // for what it lacks, so that it is fixed.
        let prenumerote = try t.ecrire("suivi.csv", "N;D;P;Orientation 1;Date 1;Notes\nX1;2025-02-01;Q;SAVS;2025-02-05;\nX2;2025-02-02;R;;;\nX3;;;;;\nX4;;;;;\nX5;;S;;;\nX6;;;SAVS;;\nX7;;;;;rappeler\n")
        let d = try t.importer([prenumerote]) { $0.profil = profil }
        XCTAssertEqual(d.fichiers.map(\.lignesIgnorees), [2, 2], "X3 et X4 n'ont que leur numéro")
        XCTAssertEqual(d.fichiers.map(\.rejetees), [3, 1], "X5, X6 et X7 ont autre chose que leur numéro, mais pas de date : rejetées")
        let canonique = try t.ecrire("sollicitations.csv", "Export du 03/10/2025, logiciel X\n" + CSV.fichier(CSV.enteteSollicitations, [CSV.sollicitation("Z1")]))
        let c = try t.importer([canonique])
        XCTAssertEqual(c.fichiers[0].importees, 1, "\(c.fichiers[0].erreur?.description ?? "")")
        XCTAssertEqual(c.fichiers[0].rejetees, 0)
    }

    /// A header typed on two lines in its cell (Alt+Entrée: `Date` line break `d'appel`) is the
    /// name « Date d'appel » everywhere: a profile naming it so reads the column, in a workbook
    /// and in its CSV twin, and when a profile names a column wrongly, the message quotes it
    /// among « Colonnes trouvées » and suggests it, on one line (never left out, glued or `^J`).
    func testEnTeteSurDeuxLignesEstUnNomSurUneLigne() throws {
        let t = try EspaceDeTest()
        func profil(_ date: String) throws -> ProfilCorrespondance {
            try ProfilCorrespondance.analyser("""
                nom: p
                sources:
                  s:
                    fichiers: ["*"]
                    tables:
                      sollicitations:
                        id_sollicitation: "N°"
                        date_sollicitation: "\(date)"
                        personne_id: Personne
                        profil: { valeur: adulte_sh }
                        type_demande: { valeur: recherche_solution }
                        problematiques: { valeur: emploi }
                        origine: { colonne: "Repérage (O/N)", valeurs: { O: reperage_360, N: demande } }
                        accompagnee: { valeur: oui }
                        territoire: { valeur: Arrageois }
                """, fichier: "p.yml", nomParDefaut: "p")
        }
        let classeur = t.dossier.appendingPathComponent("entree/suivi.xlsx")
        try FileManager.default.createDirectory(at: classeur.deletingLastPathComponent(), withIntermediateDirectories: true)
        try AttaquesTests.classeur(classeur, AttaquesTests.partiesClasseur(feuille: "<worksheet><sheetData>"
            + "<row r=\"1\">" + cellule("A1", "N°") + cellule("B1", "Date&#10;d'appel") + cellule("C1", "Personne") + cellule("D1", "Rep&#233;rage&#13;&#10;(O/N)&#9;") + "</row>"
            + "<row r=\"2\">" + cellule("A2", "X1") + cellule("B2", "2025-02-01") + cellule("C2", "Q") + cellule("D2", "O") + "</row>"
            + "</sheetData></worksheet>"))
        let csv = try t.ecrire("suivi.csv", "N°;\"Date\r\nd'appel\";Personne;\"Repérage\n(O/N)\"\r\nX2;2025-02-02;R;N\r\n")

        let bon = try profil("Date d'appel")
        for url in [classeur, csv] {
            let b = try t.importer([url]) { $0.profil = bon }
            XCTAssertEqual(b.fichiers.map(\.importees), [1], "\(url.lastPathComponent) : \(b.fichiers.first?.erreur?.description ?? "")")
        }
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations WHERE origine = 'reperage_360'"), 1)

        let typo = try profil("Date de l'appel")
        for url in [classeur, csv] {
            let b = try t.importer([url]) { $0.profil = typo }
            let raison = try XCTUnwrap(b.fichiers.first?.erreur?.raison, url.lastPathComponent)
            XCTAssertTrue(raison.contains("« Date de l'appel » (la plus proche : « Date d'appel »)"), raison)
            XCTAssertTrue(raison.contains("Colonnes trouvées : « N° », « Date d'appel », « Personne », « Repérage (O/N) »"), raison)
            XCTAssertFalse(raison.contains("non citée"), raison)
            XCTAssertFalse(raison.unicodeScalars.contains(where: TexteSur.estControle), raison)
        }
        XCTAssertEqual(Masque.listeEntetes(["Date\nd'appel", " Repérage\r\n(O/N)\t"]), "« Date d'appel », « Repérage (O/N) »")
        XCTAssertTrue(Masque.ressembleAUnEnTete("Date\nd'appel"))
        XCTAssertFalse(Masque.ressembleAUnEnTete("Date\u{1B}[31m"), "other control characters still keep a cell from being quoted")
    }
}

extension SuiviTests {
    /// A text cell of a sheet written by hand (`inlineStr`).
    func cellule(_ ref: String, _ v: String) -> String { "<c r=\"\(ref)\" t=\"inlineStr\"><is><t>\(v)</t></is></c>" }

    /// Review 3 (M2): a header on two rows — « Orientation 1 » merged over its sub-columns
    /// « Date » and « Décision », the other columns merged down both rows — was refused: the
    /// sub-column names appeared nowhere. Each sub-column is now « Orientation 1 Date »
    /// (reached by a profile's ranks as « Orientation {n} Date »), and the row of sub-headers is
    /// no call.
    func testEnTeteSurDeuxNiveauxNommeLesSousColonnes() throws {
        let t = try EspaceDeTest()
        let profil = try ProfilCorrespondance.analyser("""
            nom: p
            sources:
              s:
                fichiers: ["*"]
                tables:
                  sollicitations:
                    id_sollicitation: "N°"
                    date_sollicitation: "Date d'appel"
                    personne_id: Personne
                    profil: { valeur: adulte_sh }
                    type_demande: { valeur: recherche_solution }
                    problematiques: { valeur: emploi }
                    origine: { valeur: demande }
                    accompagnee: { valeur: oui }
                    territoire: { valeur: Arrageois }
                  propositions:
                    rangs: [1, 2]
                    creer_si: { "Orientation {n} Date": { vide: non } }
                    date_proposition: "Orientation {n} Date"
                    evaluation_preexistante: { valeur: non }
                    ad_hoc_partenaires: { valeur: non }
                    milieu_ordinaire: { valeur: oui }
                    decision: "Orientation {n} Décision"
            """, fichier: "p.yml", nomParDefaut: "p")
        let classeur = t.dossier.appendingPathComponent("entree/suivi.xlsx")
        try FileManager.default.createDirectory(at: classeur.deletingLastPathComponent(), withIntermediateDirectories: true)
        try AttaquesTests.classeur(classeur, AttaquesTests.partiesClasseur(feuille: "<worksheet><sheetData>"
            + "<row r=\"1\">" + cellule("A1", "N°") + cellule("B1", "Date d'appel") + cellule("C1", "Personne")
            + cellule("D1", "Orientation 1") + cellule("F1", "Orientation 2") + "</row>"
            + "<row r=\"2\">" + cellule("D2", "Date") + cellule("E2", "Décision") + cellule("F2", "Date") + cellule("G2", "Décision") + "</row>"
            + "<row r=\"3\">" + cellule("A3", "X1") + cellule("B3", "2025-02-01") + cellule("C3", "Q")
            + cellule("D3", "2025-02-10") + cellule("E3", "Acceptée") + cellule("F3", "2025-02-20") + cellule("G3", "Refusée") + "</row>"
            + "<row r=\"4\">" + cellule("A4", "X2") + cellule("B4", "2025-02-03") + cellule("C4", "R") + "</row>"
            + "</sheetData><mergeCells count=\"5\"><mergeCell ref=\"A1:A2\"/><mergeCell ref=\"B1:B2\"/><mergeCell ref=\"C1:C2\"/>"
            + "<mergeCell ref=\"D1:E1\"/><mergeCell ref=\"F1:G1\"/></mergeCells></worksheet>"))
        let b = try t.importer([classeur]) { $0.profil = profil }
        XCTAssertEqual(b.fichiers.map(\.importees), [2, 2], "\(b.fichiers.map { $0.erreur?.description ?? "\($0.exemples.map(\.message))" })")
        XCTAssertEqual(b.fichiers.map(\.rejetees), [0, 0])
        XCTAssertEqual(try t.compter("SELECT count(*) FROM propositions WHERE id_sollicitation = 'X1' AND decision = 'acceptee' AND date_proposition = '2025-02-10'"), 1)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM propositions WHERE decision = 'refusee' AND date_proposition = '2025-02-20'"), 1)
        // A title merged across the sheet just above a one-row header is no group.
        let titre = t.dossier.appendingPathComponent("entree/titre.xlsx")
        try AttaquesTests.classeur(titre, AttaquesTests.partiesClasseur(feuille: "<worksheet><sheetData>"
            + "<row r=\"1\">" + cellule("A1", "Suivi des appels 2025") + "</row>"
            + "<row r=\"2\">" + cellule("A2", "N°") + cellule("B2", "Date d'appel") + cellule("C2", "Personne") + "</row>"
            + "<row r=\"3\">" + cellule("A3", "X3") + cellule("B3", "2025-02-05") + cellule("C3", "S") + "</row>"
            + "</sheetData><mergeCells count=\"1\"><mergeCell ref=\"A1:C1\"/></mergeCells></worksheet>"))
        let c = try t.importer([titre]) { $0.profil = profil; $0.table = .sollicitations }
        XCTAssertEqual(c.fichiers.map(\.importees), [1], "\(c.fichiers.map { $0.erreur?.description ?? "" })")
    }
}
