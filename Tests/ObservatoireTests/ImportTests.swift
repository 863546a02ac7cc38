import Foundation
import GRDB
import XCTest
@testable import ObservatoireCore
@testable import ObservatoireImport
@testable import ObservatoireStore

/// The import stage: every reject rule, nothing lost, atomicity, idempotence, key handling,
/// and the guarantee that columns outside the spec never reach the database.
final class ImportTests: XCTestCase {
    let acteurs = CSV.fichier("acteur_id;nom;categorie;membre_coeur;partenaire;date_referencement;date_sortie",
                              ["A1;MDPH;specialise;oui;oui;2020-01-01;", "A2;Mairie d'Arras;droit_commun;non;oui;2021-05-01;"])

    // MARK: - Reject rules

    /// Imports one request row (after a valid one) and returns the reject it produced.
    func rejetSollicitation(_ ligne: String, territoires: [String] = []) throws -> Rejet? {
        let t = try EspaceDeTest(territoires: territoires)
        let url = try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, [CSV.sollicitation("S0"), ligne]))
        let bilan = try t.importer([url])
        let f = bilan.fichiers[0]
        XCTAssertEqual(f.lues, f.importees + f.rejetees)
        XCTAssertEqual(f.importees + f.rejetees, 2)
        return f.exemples.first
    }

    func testRegleValeurManquante() throws {
        let r = try XCTUnwrap(rejetSollicitation(CSV.sollicitation("S1", personne: "")))
        XCTAssertEqual(r.regle, .valeurManquante)
        XCTAssertEqual(r.colonne, "personne_id")
        XCTAssertEqual(r.ligne, 3)
        XCTAssertNil(try rejetSollicitation(CSV.sollicitation("S1", type: "information", problematiques: "")))
    }

    /// format-export.md: an empty `problematiques` on a request for a solution is stored, counted
    /// « non renseigné » in 1.3 and listed as a warning — never rejected.
    func testProblematiquesVidesEnregistreesAvecUnAvertissement() throws {
        let t = try EspaceDeTest()
        let url = try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, [
            CSV.sollicitation("S0"), CSV.sollicitation("S1", type: "recherche_solution", problematiques: ""),
            CSV.sollicitation("S2", type: "information", problematiques: ""),
        ]))
        let f = try t.importer([url]).fichiers[0]
        XCTAssertEqual(f.importees, 3)
        XCTAssertEqual(f.rejetees, 0)
        XCTAssertEqual(f.avertissements, ["problematiques_non_renseignees": 1], "seule la recherche de solution est signalée")
        XCTAssertEqual(f.exemplesAvertissements.first?.ligne, 3)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM avertissements WHERE identifiant = 'S1' AND regle = 'problematiques_non_renseignees'"), 1)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitation_problematiques WHERE id_sollicitation = 'S1'"), 0)
        let etat = try t.base().file.read { db in try EtatQualite.lire(db) }
        XCTAssertEqual(etat.avertissements.count, 1)
        XCTAssertEqual(etat.rejets.count, 0)
    }

    func testRegleValeurInconnue() throws {
        let r = try XCTUnwrap(rejetSollicitation(CSV.sollicitation("S1", profil: "adulte")))
        XCTAssertEqual(r.regle, .valeurInconnue)
        XCTAssertEqual(r.valeur, "ad••••", "un extrait masqué de la valeur, jamais la valeur entière")
        XCTAssertTrue(r.message.contains("adulte_sh"), "suggère la valeur la plus proche : \(r.message)")
        XCTAssertEqual(try rejetSollicitation(CSV.sollicitation("S1", problematiques: "logement_habitat|meteo"))?.regle, .valeurInconnue)
        XCTAssertEqual(try rejetSollicitation(CSV.sollicitation("S1", niveau: "4"))?.regle, .valeurInconnue)
        XCTAssertEqual(try rejetSollicitation(CSV.sollicitation("S1", departement: "99"))?.regle, .valeurInconnue)
        // Normalised values are accepted.
        XCTAssertNil(try rejetSollicitation(CSV.sollicitation("S1", profil: "Adulte SH", type: "Recherche-Solution", canal: "Numéro vert")))
    }

    /// Department codes: two digits read on the bytes, every other spelling by the full rule.
    func testCodesDeDepartement() {
        let config = Configuration(nom: "Obs", departement: "62")
        let v = Validateur(table: .sollicitations, configuration: config, aujourdhui: Jour(annee: 2026, mois: 1, jour: 15)!, pseudonymiseur: nil)
        func departement(_ d: String) -> String? {
            let ligne = CSV.sollicitation("S1", departement: d).split(separator: ";", omittingEmptySubsequences: false).map { String($0) as String? }
            guard case .success(.sollicitation(let s)) = v.valider(ligne, ligne: 2) else { return nil }
            return s.departement
        }
        XCTAssertEqual(departement("62"), "62")
        XCTAssertEqual(departement(" 01 "), "01")
        XCTAssertEqual(departement("1"), "01", "un tableur perd le zéro de tête")
        XCTAssertEqual(departement("2a"), "2A")
        XCTAssertEqual(departement("974"), "974")
        XCTAssertEqual(departement("62.0"), "62")
        XCTAssertEqual(departement(""), "62", "vide : le département de la configuration")
        for refuse in ["20", "00", "96", "99", "970", "6 2", "٦٢"] {
            XCTAssertNil(departement(refuse), refuse)
        }
    }

    func testRegleTerritoireInconnu() throws {
        let r = try XCTUnwrap(rejetSollicitation(CSV.sollicitation("S1", territoire: "Boulogne"), territoires: ["Arrageois", "Boulonnais"]))
        XCTAssertEqual(r.regle, .territoireInconnu)
        XCTAssertTrue(r.message.contains("Boulonnais"))
        XCTAssertNil(try rejetSollicitation(CSV.sollicitation("S1", territoire: "arrageois"), territoires: ["Arrageois"]))
    }

    func testReglesDeDates() throws {
        XCTAssertEqual(try rejetSollicitation(CSV.sollicitation("S1", date: "31/02/2025"))?.regle, .dateInvalide)
        XCTAssertEqual(try rejetSollicitation(CSV.sollicitation("S1", date: "2025-13-01"))?.regle, .dateInvalide)
        let futur = try XCTUnwrap(rejetSollicitation(CSV.sollicitation("S1", date: "16/01/2026")))
        XCTAssertEqual(futur.regle, .dateFuture)
        let cloture = try XCTUnwrap(rejetSollicitation(CSV.sollicitation("S1", date: "10/03/2025", cloture: "09/03/2025")))
        XCTAssertEqual(cloture.regle, .dateIncoherente)
        XCTAssertEqual(cloture.colonne, "date_cloture")
    }

    func testRegleBooleen() throws {
        XCTAssertEqual(try rejetSollicitation(CSV.sollicitation("S1", accompagnee: "peut-être"))?.regle, .booleenInvalide)
        XCTAssertEqual(try rejetSollicitation(CSV.sollicitation("S1", accompagnee: ""))?.regle, .valeurManquante)
    }

    func testRegleChampTropLong() throws {
        XCTAssertEqual(try rejetSollicitation(CSV.sollicitation(String(repeating: "X", count: 101)))?.regle, .champTropLong)
    }

    func testReglesEquipeEtMembresCoeur() throws {
        let t = try EspaceDeTest()
        let equipe = try t.ecrire("equipe.csv", CSV.fichier("poste_id;fonction;etp;recherche_solutions;date_debut;date_fin", [
            "E1;conseiller_parcours;0,5;oui;2025-01-01;",
            "E2;conseiller_parcours;1,5;oui;2025-01-01;",
            "E3;conseiller_parcours;0;oui;2025-01-01;",
            "E4;conseiller_parcours;un;oui;2025-01-01;",
            "E5;coordinateur;1;non;2025-06-01;2025-01-01",
        ]))
        let membres = try t.ecrire("membres_coeur.csv", CSV.fichier("annee;membre;etp", ["2025;MDPH;0,3", "1890;MDPH;0,3", "2025;ARS;-1"]))
        let b = try t.importer([equipe, membres])
        let e = try XCTUnwrap(b.fichiers.first { $0.table == .equipe })
        XCTAssertEqual(e.importees, 1)
        XCTAssertEqual(e.motifs, ["hors_bornes": 2, "nombre_invalide": 1, "date_incoherente": 1])
        let m = try XCTUnwrap(b.fichiers.first { $0.table == .membresCoeur })
        XCTAssertEqual(m.importees, 1)
        XCTAssertEqual(m.motifs, ["hors_bornes": 2])
        XCTAssertEqual(try t.compter("SELECT count(*) FROM equipe WHERE etp = 0.5"), 1, "virgule décimale lue")
    }

    func testReglesPropositions() throws {
        let t = try EspaceDeTest()
        let a = try t.ecrire("acteurs.csv", acteurs)
        let s = try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, [CSV.sollicitation("S1", date: "2025-03-10")]))
        let p = try t.ecrire("propositions.csv", CSV.fichier(CSV.entetePropositions, [
            CSV.proposition("P1", "S1", acteur: "A1"),
            CSV.proposition("P2", "S404"),
            CSV.proposition("P3", "S1", date: "2025-03-09"),
            CSV.proposition("P4", "S1", acteur: "A404"),
            CSV.proposition("P5", "S1", date: "2025-03-20", dateDecision: "2025-03-19"),
            CSV.proposition("P1", "S1"),
        ]))
        // Given in reverse order: the import still runs actors and requests first.
        let b = try t.importer([p, s, a])
        XCTAssertEqual(b.fichiers.map { $0.table }, [.acteurs, .sollicitations, .propositions])
        let f = b.fichiers[2]
        XCTAssertEqual(f.lues, 6)
        XCTAssertEqual(f.importees, 1)
        XCTAssertEqual(f.motifs, ["reference_inconnue": 2, "date_incoherente": 2, "doublon": 1])
        XCTAssertEqual(try t.compter("SELECT count(*) FROM rejets WHERE regle = 'doublon' AND ligne = 7"), 1)
        XCTAssertEqual(b.code, .rejets)
    }

    func testLigneMalformeeEtEncodage() throws {
        let t = try EspaceDeTest()
        var octets = Array(CSV.fichier(CSV.enteteSollicitations, [
            CSV.sollicitation("S1", territoire: "Lens-Liévin"),
            CSV.sollicitation("S2") + ";en trop",
            CSV.sollicitation("S3") + ";",
        ]).utf8)
        octets += Array("S4;2025-03-10;P1;adulte_sh;information;;demande;non;;Li".utf8) + [0xE9] + Array("vin;62;;;;;\n".utf8)
        let url = try t.ecrire("sollicitations.csv", octets: octets)
        let f = try t.importer([url]).fichiers[0]
        XCTAssertEqual(f.lues, 4)
        XCTAssertEqual(f.importees, 2, "un champ vide en trop (Excel) est toléré")
        XCTAssertEqual(f.motifs, ["ligne_malformee": 1, "encodage_invalide": 1])
    }

    // MARK: - Nothing lost, and the rejects are kept

    func testLuesEgaleImporteesPlusRejeteesEtRejetsConserves() throws {
        let t = try EspaceDeTest()
        let url = try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, [
            CSV.sollicitation("S1"), CSV.sollicitation("S2", profil: "inconnu"), CSV.sollicitation("S3", date: "32/01/2025"),
            CSV.sollicitation("S4"), CSV.sollicitation("S5", personne: ""),
        ]))
        let b = try t.importer([url])
        XCTAssertEqual(b.fichiers[0].lues, 5)
        XCTAssertEqual(b.fichiers[0].importees, 2)
        XCTAssertEqual(b.fichiers[0].rejetees, 3)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 2)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM rejets"), 3)
        XCTAssertEqual(try t.compter("SELECT lues FROM imports"), 5)
        let r = try t.base().file.read { db in
            try Row.fetchOne(db, sql: "SELECT fichier, ligne, colonne, valeur, regle, message FROM rejets WHERE regle = 'date_invalide'")!
        }
        XCTAssertEqual(r["fichier"], "sollicitations.csv")
        XCTAssertEqual(r["ligne"], 4)
        XCTAssertEqual(r["colonne"], "date_sollicitation")
        XCTAssertEqual(r["valeur"], "32/••/••••", "un extrait masqué de la valeur, jamais la valeur entière")
        XCTAssertTrue((r["message"] as String).contains("Formats acceptés"))
        XCTAssertEqual(try t.compter("SELECT count(*) FROM rejets WHERE colonne = 'personne_id' AND valeur IS NOT NULL"), 0)
    }

    func testFichierIllisibleNeStockeRienEtCode65() throws {
        let t = try EspaceDeTest()
        let bon = try t.ecrire("acteurs.csv", acteurs)
        let mauvais = try t.ecrire("sollicitations.csv", "id;date\n1;2\n")
        let b = try t.importer([bon, mauvais])
        XCTAssertEqual(b.code, .donneesIllisibles)
        let f = try XCTUnwrap(b.fichiers.first { $0.fichier == "sollicitations.csv" })
        XCTAssertTrue(f.erreur?.raison.contains("date_sollicitation") == true, "nomme les colonnes manquantes")
        XCTAssertTrue(f.erreur?.raison.contains("Colonnes trouvées") == true)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM acteurs"), 2, "les autres fichiers sont importés")
    }

    func testTableReconnueParLEnTete() throws {
        let t = try EspaceDeTest()
        let url = try t.ecrire("export-du-mois.csv", acteurs.replacingOccurrences(of: "membre_coeur", with: "Membre cœur"))
        let b = try t.importer([url])
        XCTAssertEqual(b.fichiers[0].table, .acteurs)
        XCTAssertEqual(b.fichiers[0].importees, 2)
    }

    // MARK: - Idempotence and corrections

    func testMemeFichierDeuxFoisNeChangeRien() throws {
        let t = try EspaceDeTest()
        let url = try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, [CSV.sollicitation("S1"), CSV.sollicitation("S2", profil: "?")]))
        _ = try t.importer([url])
        let avant = try t.instantane()
        let copie = try t.ecrire("copie-sollicitations.csv", try String(contentsOf: url, encoding: .utf8))
        let b = try t.importer([url, copie])
        XCTAssertTrue(b.fichiers.allSatisfy(\.dejaImporte))
        XCTAssertEqual(b.fichiers.map(\.lues), [0, 0])
        XCTAssertEqual(b.code, .succes)
        XCTAssertEqual(try t.instantane(), avant)
        // --forcer reimports (the ledger records it), and the data stay the same.
        let f = try t.importer([url]) { $0.forcer = true }
        XCTAssertFalse(f.fichiers[0].dejaImporte)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 1)
    }

    /// A tracker whose tool does not quote cells, with a note starting with a quote and a later
    /// note holding quotes: every row is stored, and a snapshot deletes nothing (two requests
    /// vanished into one field before, and the snapshot deleted them).
    func testGuillemetEgareDansUnInstantane() throws {
        let t = try EspaceDeTest()
        let entete = CSV.enteteSollicitations + ";commentaire"
        func lignes(_ notes: [String]) -> String {
            CSV.fichier(entete, notes.enumerated().map { k, n in CSV.sollicitation("S\(k + 1)") + ";" + n })
        }
        let propre = try t.ecrire("suivi.csv", lignes(["rien", "rien", "rien", "rien", "rien"]))
        let b1 = try t.importer([propre]) { $0.instantane = true }
        XCTAssertEqual(b1.totalImportees, 5)
        let sale = try t.ecrire("suivi.csv", lignes(["\"urgent rappeler", "rien", "dit \"merci\" au tel", "rien", "rien"]))
        let b2 = try t.importer([sale]) { $0.instantane = true }
        XCTAssertEqual(b2.totalLues, 5)
        XCTAssertEqual(b2.totalRejetees, 0)
        XCTAssertEqual(b2.fichiers[0].supprimees, 0)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 5)
    }

    /// A row shorter than the header: its missing cells are read as empty (a tool that drops the
    /// empty cells at the end of a row loses nothing); when that leaves a required value
    /// missing, the message says the row looks cut, and a snapshot keeps the stored row.
    func testLigneCourte() throws {
        let t = try EspaceDeTest()
        let complete = CSV.sollicitation("S2")
        let coupee = complete.components(separatedBy: ";").prefix(3).joined(separator: ";")      // cut after personne_id
        let v1 = try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, [CSV.sollicitation("S1"), complete]))
        XCTAssertEqual(try t.importer([v1]) { $0.instantane = true }.totalImportees, 2)
        let v2 = try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, [
            // S1 without its last cell (date_cloture, empty); S2 cut after personne_id.
            CSV.sollicitation("S1").components(separatedBy: ";").dropLast().joined(separator: ";"), coupee, "fin de la note;;;",
        ]))
        let b = try t.importer([v2]) { $0.instantane = true }
        XCTAssertEqual(b.fichiers[0].importees, 1, "S1 sans sa dernière cellule vide est enregistrée")
        XCTAssertEqual(b.fichiers[0].supprimees, 0, "S2, coupée, reste dans la base")
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 2)
        let message = try t.base().file.read { db in
            try String.fetchOne(db, sql: "SELECT message FROM rejets WHERE ligne = 3") ?? ""
        }
        XCTAssertTrue(message.hasPrefix("La ligne n'a que 3 champs pour 16 colonnes (ligne incomplète"), message)
    }

    /// A file named twice, or a folder and a file in it, is read once.
    func testFichierNommeDeuxFoisLuUneFois() throws {
        let t = try EspaceDeTest()
        let url = try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, [CSV.sollicitation("S1")]))
        let dossier = url.deletingLastPathComponent()
        let (fichiers, _) = try Importeur.fichiers([url, url, dossier, dossier.appendingPathComponent("./sollicitations.csv")])
        XCTAssertEqual(fichiers.filter { $0.lastPathComponent == "sollicitations.csv" }.count, 1)
        let b = try t.importer([url, url, url])
        XCTAssertEqual(b.fichiers.count, 1)
        XCTAssertEqual(b.totalLues, 1)
    }

    func testExportCorrigeMetAJourLesLignes() throws {
        let t = try EspaceDeTest()
        let v1 = try t.ecrire("sollicitations-v1.csv", CSV.fichier(CSV.enteteSollicitations, [
            CSV.sollicitation("S1", profil: "adulte_sh", problematiques: "emploi|logement_habitat"), CSV.sollicitation("S2"),
        ]))
        _ = try t.importer([v1])
        let v2 = try t.ecrire("sollicitations-v2.csv", CSV.fichier(CSV.enteteSollicitations, [
            CSV.sollicitation("S1", profil: "aidant", problematiques: "sante_soins"),
        ]))
        let b = try t.importer([v2])
        XCTAssertEqual(b.fichiers[0].importees, 1)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 2)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations WHERE id_sollicitation = 'S1' AND profil = 'aidant'"), 1)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitation_problematiques WHERE id_sollicitation = 'S1'"), 1)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitation_problematiques WHERE problematique = 'sante_soins'"), 1)
    }

    // MARK: - Atomicity

    func testEchecAuMilieuLaisseLaBaseInchangee() throws {
        let t = try EspaceDeTest()
        let premier = try t.ecrire("acteurs.csv", acteurs)
        _ = try t.importer([premier])
        let avant = try t.instantane()
        let lignes = (1...200).map { CSV.sollicitation("S\($0)") }
        let url = try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, lignes))
        struct Panne: Error {}
        XCTAssertThrowsError(try t.importer([url]) { o in
            o.apresChaqueLigne = { n in if n == 120 { throw Panne() } }
        }) { XCTAssertTrue($0 is Panne) }
        XCTAssertEqual(try t.instantane(), avant, "rien de l'import interrompu ne reste")
        // The next import completes normally.
        XCTAssertEqual(try t.importer([url]).fichiers[0].importees, 200)
    }

    func testStrictAnnuleToutSiUneLigneEstRejetee() throws {
        let t = try EspaceDeTest()
        let a = try t.ecrire("acteurs.csv", acteurs)
        let s = try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, [CSV.sollicitation("S1"), CSV.sollicitation("S2", profil: "x")]))
        let b = try t.importer([a, s]) { $0.strict = true }
        XCTAssertTrue(b.annule)
        XCTAssertEqual(b.code, .donneesIllisibles)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM acteurs"), 0)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM imports"), 0)
    }

    // MARK: - Privacy and the key

    func testColonnesHorsFormatJamaisEnregistrees() throws {
        let t = try EspaceDeTest()
        let entete = CSV.enteteSollicitations + ";nom_usager;telephone;notes"
        let url = try t.ecrire("sollicitations.csv", CSV.fichier(entete, [
            CSV.sollicitation("S1", personne: "DOSSIER-77421") + ";Bernadette Quintinvaldo;06 12 34 56 78;Rappeler Mme Quintinvaldo",
            CSV.sollicitation("S2", personne: "DOSSIER-77422", profil: "?") + ";Zéphirin Okoumbavel;07 98 76 54 32;ne pas garder",
        ]))
        let b = try t.importer([url])
        XCTAssertEqual(b.fichiers[0].colonnesIgnorees, ["nom_usager", "telephone", "notes"])
        let octets = try Data(contentsOf: t.espace.baseDeDonnees)
        for secret in ["Quintinvaldo", "Okoumbavel", "06 12 34 56 78", "ne pas garder", "DOSSIER-77421", "DOSSIER-77422"] {
            XCTAssertNil(octets.range(of: Data(secret.utf8)), "« \(secret) » ne doit pas être dans la base")
        }
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations WHERE length(personne) = 32"), 1)
    }

    func testCleCreeeEnModeRestreintEtPseudonymesStables() throws {
        let t = try EspaceDeTest()
        var s = stat()
        XCTAssertEqual(stat(t.espace.fichierCle.path, &s), 0)
        XCTAssertEqual(s.st_mode & 0o777, 0o600)
        let url = try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, [CSV.sollicitation("S1", personne: "P9"), CSV.sollicitation("S2", personne: "P9")]))
        _ = try t.importer([url])
        XCTAssertEqual(try t.compter("SELECT count(DISTINCT personne) FROM sollicitations"), 1, "même personne, même pseudonyme")
        XCTAssertEqual(stat(t.espace.baseDeDonnees.path, &s), 0)
        XCTAssertEqual(s.st_mode & 0o777, 0o600)
    }

    func testCleManquanteAvecDonneesRefusee() throws {
        let t = try EspaceDeTest()
        let url = try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, [CSV.sollicitation("S1")]))
        _ = try t.importer([url])
        try FileManager.default.removeItem(at: t.espace.fichierCle)
        let autre = try t.ecrire("sollicitations-2.csv", CSV.fichier(CSV.enteteSollicitations, [CSV.sollicitation("S2")]))
        XCTAssertThrowsError(try t.importer([autre])) { e in
            XCTAssertTrue((e as? ErreurObservatoire)?.message.contains("introuvable") == true, "\(e)")
        }
        XCTAssertFalse(FileManager.default.fileExists(atPath: t.espace.fichierCle.path), "jamais de nouvelle clé silencieuse")
        // Another key is refused too.
        _ = try ClePseudonymisation.creer(t.espace.fichierCle)
        XCTAssertThrowsError(try t.importer([autre])) { e in
            XCTAssertTrue((e as? ErreurObservatoire)?.message.contains("n'est pas celle") == true, "\(e)")
        }
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations"), 1)
    }

    func testCleManquanteSansDonneesRecreeeAvecUneNote() throws {
        let t = try EspaceDeTest()
        try FileManager.default.removeItem(at: t.espace.fichierCle)
        let url = try t.ecrire("acteurs.csv", acteurs)
        let b = try t.importer([url])
        XCTAssertTrue(b.notes.contains { $0.contains("Clé de pseudonymisation créée") })
        XCTAssertTrue(FileManager.default.fileExists(atPath: t.espace.fichierCle.path))
    }
}

/// Review (calcul F1): two exports numbering from 1 (two antennas, two tools) overwrote each
/// other without a word: the second file's requests replaced the first's, and its
/// propositions took the first's places. A number already stored by another file for another
/// request (another person, and another date or territory) is now refused with what to do;
/// a request updated by a later file (its date corrected) is still updated.
final class NumerosPartagesTests: XCTestCase {
    func testDeuxExportsAuxMemesNumerosNeSEcrasentPas() throws {
        let t = try EspaceDeTest(territoires: ["Arrageois", "Ternois"])
        let nord = try t.ecrire("sollicitations_nord.csv", CSV.fichier(CSV.enteteSollicitations, (1...3).map {
            CSV.sollicitation("\($0)", date: "2025-03-0\($0)", personne: "N\($0)", territoire: "Arrageois") }))
        let sud = try t.ecrire("sollicitations_sud.csv", CSV.fichier(CSV.enteteSollicitations, (1...2).map {
            CSV.sollicitation("\($0)", date: "2025-04-0\($0)", personne: "S\($0)", territoire: "Ternois") }))
        let pnord = try t.ecrire("propositions_nord.csv", CSV.fichier(CSV.entetePropositions, [CSV.proposition("1", "1", date: "2025-03-20")]))
        let psud = try t.ecrire("propositions_sud.csv", CSV.fichier(CSV.entetePropositions, [CSV.proposition("1", "1", date: "2025-04-20", decision: "refusee")]))
        let b = try t.importer([nord, sud, pnord, psud])
        func entree(_ nom: String) throws -> BilanFichier { try XCTUnwrap(b.fichiers.first { $0.fichier == nom }) }
        XCTAssertEqual([try entree("sollicitations_sud.csv").importees, try entree("sollicitations_sud.csv").rejetees], [0, 2])
        let refus = try XCTUnwrap(try entree("sollicitations_sud.csv").exemples.first)
        XCTAssertTrue(refus.message.contains("déjà celui d'une autre demande, enregistrée depuis « sollicitations_nord.csv »")
                      && refus.message.contains("préfixe"), refus.message)
        XCTAssertEqual([try entree("propositions_nord.csv").importees, try entree("propositions_sud.csv").rejetees], [1, 1])
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations WHERE territoire = 'Arrageois'"), 3, "les demandes du nord restent")
        XCTAssertEqual(try t.compter("SELECT count(*) FROM propositions WHERE decision = 'acceptee'"), 1, "la proposition du nord reste")
        // A later export of the same request, its date corrected: an update, as before.
        let correction = try t.ecrire("sollicitations_nord_avril.csv", CSV.fichier(CSV.enteteSollicitations, [
            CSV.sollicitation("2", date: "2025-03-12", personne: "N2", territoire: "Arrageois")]))
        let c = try t.importer([correction])
        XCTAssertEqual([c.totalImportees, c.totalRejetees], [1, 0])
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations WHERE id_sollicitation = '2' AND date_sollicitation = '2025-03-12'"), 1)
        // Regression reviews (M1, N1): a request whose person is merged in the tool (same date)
        // is updated; a proposition moved to another request of the same person (duplicate
        // requests merged) follows it; moved to another person's request (a new export's
        // proposition numbers starting again at 1), it is refused, even in the same territory.
        let fusion = try t.ecrire("sollicitations_nord_mai.csv", CSV.fichier(CSV.enteteSollicitations, [
            CSV.sollicitation("3", date: "2025-03-03", personne: "N1", territoire: "Arrageois")]))
        XCTAssertEqual(try t.importer([fusion]).totalRejetees, 0)
        let deplacee = try t.ecrire("propositions_nord_mai.csv", CSV.fichier(CSV.entetePropositions, [CSV.proposition("1", "3", date: "2025-03-20")]))
        XCTAssertEqual(try t.importer([deplacee]).totalRejetees, 0)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM propositions WHERE id_proposition = '1' AND id_sollicitation = '3'"), 1)
        let nouvelle = try t.ecrire("sollicitations_2026.csv", CSV.fichier(CSV.enteteSollicitations, [
            CSV.sollicitation("2026-1", date: "2025-03-04", personne: "N8", territoire: "Arrageois")]))
        let pnouvelle = try t.ecrire("propositions_2026.csv", CSV.fichier(CSV.entetePropositions, [CSV.proposition("1", "2026-1", date: "2025-03-21")]))
        let b2 = try t.importer([nouvelle, pnouvelle])
        XCTAssertEqual(b2.totalRejetees, 1, "\(b2.fichiers.flatMap(\.exemples).map(\.message))")
        XCTAssertEqual(try t.compter("SELECT count(*) FROM propositions WHERE id_proposition = '1' AND id_sollicitation = '3'"), 1, "rien d'écrasé")
    }
}

/// Review 4 (F1): with no list of territories in the configuration, « Ternois », « ternois »
/// and « TERNOIS » were three territories: three small rows in the reports. They are one, under
/// the spelling the base holds most (or met first), and the summary says which were folded;
/// spellings a base already holds apart are folded too.
final class TerritoiresEcrituresTests: XCTestCase {
    func testLesEcrituresDUnMemeTerritoireSontUnSeulTerritoire() throws {
        let t = try EspaceDeTest()
        XCTAssertTrue(t.espace.configuration.territoires.isEmpty)
        let f1 = try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, [
            CSV.sollicitation("S1", personne: "P1", territoire: "Ternois"), CSV.sollicitation("S2", personne: "P2", territoire: "ternois"),
            CSV.sollicitation("S3", personne: "P3", territoire: "TERNOIS"), CSV.sollicitation("S4", personne: "P4", territoire: "Arrageois"),
            CSV.sollicitation("S7", personne: "P7", territoire: "Arrageois")]))
        let p1 = try t.ecrire("propositions.csv", CSV.fichier(CSV.entetePropositions, [CSV.proposition("PR2", "S2")]))
        let b = try t.importer([f1, p1])
        XCTAssertEqual(try t.compter("SELECT count(DISTINCT territoire) FROM sollicitations"), 2)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations WHERE territoire = 'Ternois'"), 3)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM propositions WHERE territoire = 'Ternois'"), 1)
        let note = try XCTUnwrap(b.notes.first { $0.hasPrefix("Territoire « Ternois »") }, "\(b.notes)")
        XCTAssertTrue(note.contains("« TERNOIS », « ternois » sont d'autres écritures du même nom"), note)
        // A base that holds two spellings apart (written before this rule): folded into the
        // most frequent at the next import.
        let base = try t.base()
        try base.file.write { db in try db.execute(sql: "UPDATE sollicitations SET territoire = 'arrageois' WHERE id_sollicitation = 'S7'") }
        let f2 = try t.ecrire("sollicitations-2.csv", CSV.fichier(CSV.enteteSollicitations, [
            CSV.sollicitation("S5", personne: "P5", territoire: "Arrageois"), CSV.sollicitation("S6", personne: "P6", territoire: "Arrageois")]))
        _ = try t.importer([f2])
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations WHERE territoire = 'Arrageois'"), 4)
        XCTAssertEqual(try t.compter("SELECT count(DISTINCT territoire) FROM sollicitations"), 2)
        // A configured list: spellings are the configuration's, as before (nothing folded here).
        let u = try EspaceDeTest(territoires: ["Ternois"])
        let f3 = try u.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, [CSV.sollicitation("S1", personne: "P1", territoire: "TERNOIS")]))
        XCTAssertTrue(try u.importer([f3]).notes.allSatisfy { !$0.hasPrefix("Territoire ") })
        XCTAssertEqual(try u.compter("SELECT count(*) FROM sollicitations WHERE territoire = 'Ternois'"), 1)
    }
}

/// Review 4 (L1): « anonyme » typed as the person of three calls made them one person with
/// three requests (x.personnes and the repeated requests distorted), and « - » was taken as a
/// reference. A placeholder is a person of its own, with a warning on the row.
final class PersonnesInconnuesTests: XCTestCase {
    func testUneReferenceDeRemplissageNEstPersonne() throws {
        let t = try EspaceDeTest(territoires: ["Arrageois"])
        let f = try t.ecrire("sollicitations.csv", CSV.fichier(CSV.enteteSollicitations, [
            CSV.sollicitation("S1", personne: "anonyme"), CSV.sollicitation("S2", personne: "Anonyme"), CSV.sollicitation("S3", personne: "ANONYME"),
            CSV.sollicitation("S4", personne: "-"), CSV.sollicitation("S5", personne: "P-7"), CSV.sollicitation("S6", personne: "P-7")]))
        let b = try t.importer([f])
        let s = try XCTUnwrap(b.fichiers.first)
        XCTAssertEqual([s.importees, s.rejetees], [6, 0])
        XCTAssertEqual(s.avertissements[RegleAvertissement.personneNonIdentifiee.rawValue], 4)
        XCTAssertEqual(try t.compter("SELECT count(DISTINCT personne) FROM sollicitations"), 5, "quatre personnes inconnues, une connue deux fois")
        // The same export again: the same pseudonyms (nothing changes).
        let encore = try t.importer([f])
        XCTAssertTrue(encore.fichiers.allSatisfy(\.dejaImporte))
        XCTAssertTrue(Validateur.personneInconnue(" ? ") && Validateur.personneInconnue("Non renseigné") && !Validateur.personneInconnue("P-101"))
        // Initials are references (regression review L3).
        XCTAssertFalse(Validateur.personneInconnue("NC") || Validateur.personneInconnue("N.D."))
        // « X » and zeros are no one (second regression review N6).
        XCTAssertTrue(Validateur.personneInconnue("X") && Validateur.personneInconnue("0") && Validateur.personneInconnue("NSP"))
    }
}

/// The regression reviews (M5): an empty box (☐) in a yes/no column was refused (as not
/// understood, then as a missing value even with a default); it is the unticked counterpart of
/// ☑: no.
final class CaseVideTests: XCTestCase {
    func testUneCaseVideEstUnNon() throws {
        let t = try EspaceDeTest(territoires: ["Arrageois"])
        let profil = try ProfilCorrespondance.analyser("""
            nom: p
            sources:
              s:
                fichiers: ["*.csv"]
                tables:
                  sollicitations:
                    accompagnee: { colonne: Suivi, defaut: oui }
            """, fichier: "p.yml", nomParDefaut: "p")
        let colonnes = CSV.enteteSollicitations.split(separator: ";").map(String.init)
        let k = try XCTUnwrap(colonnes.firstIndex(of: "accompagnee"))
        var entete = colonnes
        entete[k] = "Suivi"
        var valeurs = CSV.sollicitation("S1").split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        valeurs[k] = "☐"
        var coche = CSV.sollicitation("S2", personne: "P2").split(separator: ";", omittingEmptySubsequences: false).map(String.init)
        coche[k] = "☑"
        let f = try t.ecrire("suivi.csv", [entete, valeurs, coche].map { $0.joined(separator: ";") }.joined(separator: "\n") + "\n")
        let b = try t.importer([f]) { $0.profil = profil }
        XCTAssertEqual([b.totalImportees, b.totalRejetees], [2, 0], "\(b.fichiers.flatMap(\.exemples).map(\.message))")
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations WHERE id_sollicitation = 'S1' AND accompagnee = 0"), 1)
        XCTAssertEqual(try t.compter("SELECT count(*) FROM sollicitations WHERE id_sollicitation = 'S2' AND accompagnee = 1"), 1)
    }
}
