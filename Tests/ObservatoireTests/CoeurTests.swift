import Crypto
import Foundation
import XCTest
@testable import ObservatoireCore

final class ValeursTests: XCTestCase {
    func jour(_ texte: String, serielExcel: Bool = false) -> String? {
        if case .valeur(let j) = Valeurs.date(texte, pivot: 2026, serielExcel: serielExcel) { return j.iso }
        return nil
    }

    func testDatesDansLesTroisFormats() {
        XCTAssertEqual(jour("2025-03-14"), "2025-03-14")
        XCTAssertEqual(jour("14/03/2025"), "2025-03-14")
        XCTAssertEqual(jour("14/03/25"), "2025-03-14")
        XCTAssertEqual(jour("4/3/2025"), "2025-03-04", "jour et mois sur un chiffre")
        XCTAssertEqual(jour(" 14/03/2025 00:00 "), "2025-03-14", "une heure après la date est ignorée")
        XCTAssertEqual(jour("2025-03-14T10:22:00"), "2025-03-14")
    }

    func testDatesImpossiblesOuOrdreAmericain() {
        XCTAssertNil(jour("31/02/2025"))
        XCTAssertNil(jour("29/02/2025"))
        XCTAssertEqual(jour("29/02/2024"), "2024-02-29", "année bissextile")
        XCTAssertNil(jour("12/31/2025"), "jamais l'ordre américain mois/jour")
        XCTAssertNil(jour("2025/03/14"))
        XCTAssertNil(jour("mars 2025"), "un mois sans jour n'est pas une date")
        XCTAssertNil(jour("45000"), "un nombre n'est une date que dans un classeur")
        guard case .vide = Valeurs.date("  ", pivot: 2026) else { return XCTFail("vide") }
    }

    /// What Excel or LibreOffice write in CSV for a cell shown « J MMM AAAA » (or with the
    /// month in full): read, whatever the accents, the case and the abbreviation's dot.
    func testDatesAvecLeNomDuMois() {
        XCTAssertEqual(jour("3 févr. 2025"), "2025-02-03")
        XCTAssertEqual(jour("3 février 2025"), "2025-02-03")
        XCTAssertEqual(jour("03-févr.-2025"), "2025-02-03")
        XCTAssertEqual(jour("3 fevr 2025"), "2025-02-03", "sans accent ni point")
        XCTAssertEqual(jour("3 FÉVRIER 2025"), "2025-02-03")
        XCTAssertEqual(jour("14 mars 2025"), "2025-03-14")
        XCTAssertEqual(jour("1er mai 2025"), "2025-05-01")
        XCTAssertEqual(jour("15\u{A0}août 2025"), "2025-08-15", "espace insécable")
        XCTAssertEqual(jour("15 aout 2025"), "2025-08-15")
        XCTAssertEqual(jour("2 sept. 2025"), "2025-09-02")
        XCTAssertEqual(jour("9 juil. 2025"), "2025-07-09")
        XCTAssertEqual(jour("31 déc. 2025"), "2025-12-31")
        XCTAssertEqual(jour("6 janv. 2025 10:30"), "2025-01-06", "une heure après la date est ignorée")
        XCTAssertEqual(jour("29 févr. 2024"), "2024-02-29")
    }

    func testDatesAvecLeNomDuMoisAmbiguesOuImpossibles() {
        XCTAssertNil(jour("31 févr. 2025"), "jour impossible")
        XCTAssertNil(jour("29 févr. 2025"))
        XCTAssertNil(jour("03-févr.-25"), "année à deux chiffres : ambiguë")
        XCTAssertNil(jour("3 févr. 25"))
        XCTAssertNil(jour("3 jui 2025"), "juin ou juillet ?")
        XCTAssertNil(jour("3 ma 2025"), "mars ou mai ?")
        XCTAssertNil(jour("3 fé 2025"), "trop court")
        XCTAssertNil(jour("3 févrierx 2025"))
        XCTAssertNil(jour("février 3 2025"), "jamais le mois en premier")
        XCTAssertNil(jour("2025 févr. 3"))
        XCTAssertNil(jour("3 févr. 2025 midi"))
        XCTAssertNil(jour("32 janv. 2025"))
        XCTAssertNil(jour("003 janv. 2025"))
        XCTAssertNil(jour("3 févr. 20255"))
    }

    func testAnneeADeuxChiffres() {
        XCTAssertEqual(jour("01/01/26"), "2026-01-01")
        XCTAssertEqual(jour("01/01/95"), "1995-01-01", "20YY après l'année pivot devient 19YY")
    }

    func testSerieExcel() {
        XCTAssertEqual(jour("45730", serielExcel: true), "2025-03-14")
        XCTAssertEqual(jour("1", serielExcel: true), "1900-01-01")
        XCTAssertEqual(jour("61", serielExcel: true), "1900-03-01", "le 29/02/1900 fantôme d'Excel")
        XCTAssertEqual(jour("14/03/2025", serielExcel: true), "2025-03-14")
    }

    func testBooleens() {
        for v in ["oui", "OUI", "o", "1", "true", "Vrai", "x", "X"] {
            guard case .valeur(true) = Valeurs.booleen(v) else { return XCTFail(v) }
        }
        for v in ["non", "N", "0", "false", "FAUX"] {
            guard case .valeur(false) = Valeurs.booleen(v) else { return XCTFail(v) }
        }
        guard case .vide = Valeurs.booleen(" ") else { return XCTFail("vide") }
        guard case .invalide = Valeurs.booleen("peut-être") else { return XCTFail("invalide") }
    }

    func testDecimalesEtEntiers() {
        guard case .valeur(0.5) = Valeurs.decimal("0,5"), case .valeur(0.5) = Valeurs.decimal("0.5"),
              case .invalide = Valeurs.decimal("1,234.5"), case .invalide = Valeurs.decimal("un"),
              case .valeur(2) = Valeurs.entier("2,0"), case .invalide = Valeurs.entier("2,5") else {
            return XCTFail("décimaux")
        }
    }

    func testListes() {
        XCTAssertEqual(Valeurs.liste("emploi|logement_habitat"), ["emploi", "logement_habitat"])
        XCTAssertEqual(Valeurs.liste("emploi, logement_habitat ; sante_soins"), ["emploi", "logement_habitat", "sante_soins"])
        XCTAssertEqual(Valeurs.liste(" | "), [])
        XCTAssertEqual(Valeurs.liste(""), [])
        XCTAssertEqual(Valeurs.liste(",,emploi,,"), ["emploi"])
        // Non-ASCII text takes the split on Characters: same result for ordinary accents…
        XCTAssertEqual(Valeurs.liste("santé | éducation;  accès aux droits "), ["santé", "éducation", "accès aux droits"])
        // …and a separator followed by a combining mark is one Character, not a separator.
        XCTAssertEqual(Valeurs.liste("emploi|\u{301}logement"), ["emploi|\u{301}logement"])
    }

    func testJoursISO() {
        XCTAssertEqual(Jour(iso: "2025-03-14"), Jour(annee: 2025, mois: 3, jour: 14))
        XCTAssertEqual(Jour(iso: "2024-02-29"), Jour(annee: 2024, mois: 2, jour: 29))
        XCTAssertNil(Jour(iso: "2025-02-29"), "jour qui n'existe pas")
        XCTAssertNil(Jour(iso: "2025-13-01"))
        XCTAssertNil(Jour(iso: "20x5-03-14"))
        XCTAssertNil(Jour(iso: "2025-03-1a"))
        XCTAssertNil(Jour(iso: "2025/03/14"))
        XCTAssertNil(Jour(iso: ""))
        // Other lengths take the general reading.
        XCTAssertEqual(Jour(iso: "2025-3-14"), Jour(annee: 2025, mois: 3, jour: 14))
        XCTAssertNil(Jour(iso: "25-03-14"))
    }

    func testDatesRefuseesSurLesOctets() {
        XCTAssertNil(jour("14/03"), "deux groupes seulement")
        XCTAssertNil(jour("14/03/2025/01"), "quatre groupes")
        XCTAssertNil(jour("14/03-2025"), "deux séparateurs différents")
        XCTAssertNil(jour("14//2025"))
        XCTAssertNil(jour("123456/03/2025"), "groupe trop long")
        XCTAssertNil(jour("2025-3-140"))
        XCTAssertEqual(jour("14.03.2025"), "2025-03-14")
        XCTAssertNil(jour("14-03-25"), "année sur deux chiffres seulement avec des barres obliques")
    }

    /// The row fingerprint is stored (`empreinte_ligne`) and compared by the next snapshot
    /// import: its bytes must not change from one version to the next.
    func testEmpreinteDesLignesStable() {
        func fnv(_ champs: [String?]) -> Int64 {
            var h: UInt64 = 0xcbf2_9ce4_8422_2325
            func octet(_ b: UInt8) { h ^= UInt64(b); h = h &* 0x0000_0100_0000_01b3 }
            for c in champs {
                guard let c else { octet(0x1E); continue }
                for b in c.utf8 { octet(b) }
                octet(0x1F)
            }
            return Int64(bitPattern: h)
        }
        let s = Sollicitation(idSollicitation: "S-1", dateSollicitation: Jour(annee: 2025, mois: 3, jour: 14)!, personne: "p",
                              profil: .aidant, typeDemande: .rechercheSolution, problematiques: ["sante_soins", "emploi", "logement_habitat"],
                              origine: nil, accompagnee: true, projetVieCoConstruit: nil, territoire: "Arrageois", departement: "62",
                              canal: nil, niveauIntervention: 2, orientationRapt: false, trancheAge: nil, dateCloture: nil)
        XCTAssertEqual(Enregistrement.sollicitation(s).empreinte,
                       fnv(["S-1", "2025-03-14", "p", "aidant", "recherche_solution", "emploi|logement_habitat|sante_soins", nil,
                            "1", nil, "Arrageois", "62", nil, "2", "0", nil, nil]))
        var seule = s
        seule.problematiques = ["emploi"]
        var aucune = s
        aucune.problematiques = []
        XCTAssertEqual(Enregistrement.sollicitation(seule).empreinte,
                       fnv(["S-1", "2025-03-14", "p", "aidant", "recherche_solution", "emploi", nil,
                            "1", nil, "Arrageois", "62", nil, "2", "0", nil, nil]))
        XCTAssertEqual(Enregistrement.sollicitation(aucune).empreinte,
                       fnv(["S-1", "2025-03-14", "p", "aidant", "recherche_solution", "", nil,
                            "1", nil, "Arrageois", "62", nil, "2", "0", nil, nil]))
    }
}

final class NormalisationTests: XCTestCase {
    func testEnTetes() {
        XCTAssertEqual(Normalisation.cle("Membre cœur"), Normalisation.cle("membre_coeur"))
        XCTAssertEqual(Normalisation.cle("Date sollicitation"), Normalisation.cle("date_sollicitation"))
        XCTAssertEqual(Normalisation.cle("DATE-SOLLICITATION"), "datesollicitation")
        XCTAssertEqual(Normalisation.cle("Projet de vie co‑construit"), "projetdeviecoconstruit")
        XCTAssertEqual(Normalisation.cle("d’accès"), "dacces")
    }

    func testValeursEnumerees() {
        XCTAssertEqual(Normalisation.cle("Adulte SH"), Normalisation.cle("adulte_sh"))
        XCTAssertEqual(Normalisation.cle("adulte-sh"), Normalisation.cle("adulte_sh"))
        XCTAssertEqual(Normalisation.cle("Acceptée"), "acceptee")
        XCTAssertEqual(Normalisation.cle("Réitérée ÆSOP"), "reitereeaesop")
    }

    func testPlusProches() {
        XCTAssertEqual(Normalisation.plusProches("adulte", parmi: ["enfant_sh", "adulte_sh", "aidant"]).first, "adulte_sh")
        XCTAssertEqual(Normalisation.plusProches("Boulogne", parmi: ["Arrageois", "Boulonnais"]).first, "Boulonnais")
        XCTAssertTrue(Normalisation.plusProches("zzzzzzzz", parmi: ["aidant"]).isEmpty)
    }
}

final class JourTests: XCTestCase {
    func testCalendrier() {
        let j = Jour(annee: 2024, mois: 2, jour: 29)!
        XCTAssertEqual(j.iso, "2024-02-29")
        XCTAssertEqual((j + 1).iso, "2024-03-01")
        XCTAssertEqual(Jour(annee: 1970, mois: 1, jour: 1)!.numero, 0)
        XCTAssertEqual(Jour(annee: 2025, mois: 12, jour: 31)! - Jour(annee: 2025, mois: 1, jour: 1)!, 364)
        XCTAssertNil(Jour(annee: 2025, mois: 13, jour: 1))
    }

    func testPeriodes() {
        let p = Periode.annee(2025)
        XCTAssertEqual(p.nombreDeJours, 365)
        XCTAssertEqual(p.mois.count, 12)
        XCTAssertEqual(Periode.annee(2024).anneePrecedente, Periode.annee(2023))
        XCTAssertEqual(Periode.mois(2024, 2).anneePrecedente, Periode.mois(2023, 2), "fin février reste fin février")
        XCTAssertEqual(Periode.trimestre(2025, 2).fin.iso, "2025-06-30")
        XCTAssertEqual(p.libelle, "année 2025")
        XCTAssertEqual(Periode.mois(2025, 8).libelle, "août 2025")
    }
}

final class FormatFrancaisTests: XCTestCase {
    func testNombres() {
        XCTAssertEqual(FormatFrancais.entier(5000), "5 000")
        XCTAssertEqual(FormatFrancais.entier(1_234_567), "1 234 567")
        XCTAssertEqual(FormatFrancais.entier(999), "999")
        XCTAssertEqual(FormatFrancais.pourcentage(72.44), "72,4 %")
        XCTAssertEqual(FormatFrancais.decimal(3.256, 2), "3,26")
        XCTAssertEqual(FormatFrancais.decimal(0.05, 1), "0,1")
        XCTAssertEqual(FormatFrancais.entier(1500, espace: "\u{00A0}"), "1\u{00A0}500")
    }

    /// Singular for 0 and 1, as French has it (« 1 rejetée », never « 1 rejetées »).
    func testPluriel() {
        XCTAssertEqual(FormatFrancais.pluriel(0, "rejetée"), "0 rejetée")
        XCTAssertEqual(FormatFrancais.pluriel(1, "rejetée"), "1 rejetée")
        XCTAssertEqual(FormatFrancais.pluriel(16, "enregistrée"), "16 enregistrées")
        XCTAssertEqual(FormatFrancais.pluriel(1, "ligne lue", "lignes lues"), "1 ligne lue")
        XCTAssertEqual(FormatFrancais.pluriel(2500, "ligne lue", "lignes lues"), "2 500 lignes lues")
    }

    /// A command shown to be copied: a path with spaces or quotes is one shell word.
    func testCitationPourLeShell() throws {
        XCTAssertEqual(Shell.citer("suivi.xlsx"), "suivi.xlsx")
        XCTAssertEqual(Shell.citer("suivi.xlsx", toujours: true), "'suivi.xlsx'")
        XCTAssertEqual(Shell.citer("Tableau C360 mars 2025.xlsx"), "'Tableau C360 mars 2025.xlsx'")
        XCTAssertEqual(Shell.citer("l'export $HOME `x`.csv"), #"'l'\''export $HOME `x`.csv'"#)
        // The shell reads each back as the very same single word.
        for nom in ["Tableau C360 mars 2025.xlsx", "l'export d'avril.csv", "a\"b;c&d|e$(f).csv", ""] {
            let p = Process()
            p.executableURL = URL(fileURLWithPath: "/bin/sh")
            p.arguments = ["-c", "printf '%s' " + Shell.citer(nom)]
            let sortie = Pipe()
            p.standardOutput = sortie
            try p.run()
            let lu = String(decoding: sortie.fileHandleForReading.readDataToEndOfFile(), as: UTF8.self)
            p.waitUntilExit()
            XCTAssertEqual(lu, nom)
        }
    }

    func testJSONOrdonne() {
        let j: JSON = .objet([("b", .entier(1)), ("a", .tableau([.texte("é\"\n"), .nul, .nombre(72.4), .nombre(3)]))])
        XCTAssertEqual(j.texteCompact, "{\"b\":1,\"a\":[\"é\\\"\\n\",null,72.4,3]}")
    }
}

final class ConfigurationTests: XCTestCase {
    func testLeModeleEcritParInitEstValide() throws {
        let c = Configuration(nom: "C360 « test » \\ \"guillemets\"", departement: "2A", territoires: ["Arrageois", "Lens-Liévin"])
        let relue = try Configuration.analyser(ModelesEspace.configuration(c), fichier: "observatoire.yml")
        XCTAssertEqual(relue, c)
        XCTAssertEqual(relue.typologie, Configuration.typologieParDefaut)
        XCTAssertEqual(relue.cibles["1.7"], Cible(valeur: 30, sens: .auPlus))
        XCTAssertEqual(relue.seuilPetitsEffectifs, 5)
    }

    func erreur(_ yaml: String) -> ErreurObservatoire? {
        do {
            _ = try Configuration.analyser(yaml, fichier: "observatoire.yml")
            return nil
        } catch let e as ErreurObservatoire {
            return e
        } catch {
            return nil
        }
    }

    func testErreursNommentLigneCleEtAttendu() throws {
        let base = "c360:\n  nom: \"X\"\n  departement: \"62\"\n"
        let e1 = try XCTUnwrap(erreur(base + "confidentialite:\n  seuil: cinq\n"))
        XCTAssertTrue(e1.message.contains("ligne 5"), e1.message)
        XCTAssertTrue(e1.message.contains("confidentialite.seuil"), e1.message)
        XCTAssertTrue(e1.conseil?.contains("nombre") == true)
        XCTAssertEqual(e1.code, .usage)

        let e2 = try XCTUnwrap(erreur(base + "seuill: 5\n"))
        XCTAssertTrue(e2.message.contains("seuill"), e2.message)
        XCTAssertTrue(e2.message.contains("ligne 4"), e2.message)

        let e3 = try XCTUnwrap(erreur(base + "cibles:\n  \"1.7\": { valeur: 30, sens: \"<\" }\n"))
        XCTAssertTrue(e3.message.contains("cibles.1.7.sens"), e3.message)

        let e4 = try XCTUnwrap(erreur("c360:\n  nom: \"X\"\n  departement: \"99\"\n"))
        XCTAssertTrue(e4.message.contains("99"), e4.message)

        let e5 = try XCTUnwrap(erreur("c360:\n  nom: [\n"))
        XCTAssertTrue(e5.message.contains("ligne"), e5.message)

        let e6 = try XCTUnwrap(erreur(base + "cibles:\n  \"9.9\": { valeur: 1, sens: \">=\" }\n"))
        XCTAssertTrue(e6.message.contains("9.9"), e6.message)
    }

    /// A YAML syntax error is told in French (line, column, likely cause, what to do), never
    /// with libyaml's English text, and never quoting the line.
    func testErreurDeSyntaxeYAMLEnFrancais() throws {
        let base = "c360:\n  nom: \"X\"\n  departement: \"62\"\n"
        let tabulation = try XCTUnwrap(erreur(base + "territoires:\n\t- Secret-Val\n"))
        XCTAssertTrue(tabulation.message.contains("erreur de syntaxe YAML à la ligne 5, colonne 1"), tabulation.message)
        XCTAssertTrue(tabulation.message.contains("tabulation"), tabulation.message)
        XCTAssertTrue(tabulation.conseil?.contains("espaces") == true, tabulation.conseil ?? "")
        let guillemets = try XCTUnwrap(erreur(base + "territoires: [\"Secret-Val\n"))
        XCTAssertTrue(guillemets.message.contains("erreur de syntaxe YAML à la ligne"), guillemets.message)
        for e in [tabulation, guillemets, try XCTUnwrap(erreur("c360:\n  nom: [\n")), try XCTUnwrap(erreur("c360: x: y\n"))] {
            let texte = e.message + (e.conseil ?? "")
            XCTAssertTrue(texte.contains("observatoire.yml") && texte.contains("colonne"), texte)
            for anglais in ["found", "while", "expected", "could not", "mapping", "scanning", "token", "Secret-Val"] {
                XCTAssertFalse(texte.contains(anglais), "« \(anglais) » dans : \(texte)")
            }
        }
    }

    /// A message ending with a question gets no full stop after its question mark.
    func testPasDePointApresUnPointDInterrogation() throws {
        let e = try XCTUnwrap(erreur("c360:\n  nom: \"X\"\n  departement: \"62\"\nterritoire: []\n"))
        XCTAssertTrue(e.message.hasSuffix("vouliez-vous dire « territoires » ?"), e.message)
        XCTAssertFalse(e.message.contains("?."), e.message)
        XCTAssertEqual(LecteurYAML.phrase("la clé manque"), "la clé manque.")
        XCTAssertEqual(LecteurYAML.phrase("vouliez-vous dire « x » ?"), "vouliez-vous dire « x » ?")
    }

    func testCheminsQuiSortentDeLEspaceRefuses() throws {
        XCTAssertThrowsError(try EspaceDeTest { $0 = $0.replacingOccurrences(of: "rapports: rapports", with: "rapports: ../../ailleurs") }) { e in
            XCTAssertTrue("\(e)".contains("chemins.rapports"), "\(e)")
        }
    }

    func testInitRefuseDEcraser() throws {
        let t = try EspaceDeTest()
        XCTAssertThrowsError(try EspaceDeTravail.creer(dans: t.dossier, nom: "Autre", departement: "62"))
        XCTAssertEqual(try String(contentsOf: t.espace.fichierConfiguration, encoding: .utf8).contains("C360 de test"), true)
    }

    func testEspaceIntrouvable() {
        XCTAssertThrowsError(try EspaceDeTravail.trouver(depuis: URL(fileURLWithPath: "/"))) { e in
            XCTAssertEqual((e as? ErreurObservatoire)?.code, .usage)
            XCTAssertTrue((e as? ErreurObservatoire)?.conseil?.contains("c360 init") == true)
        }
    }
}

final class HorodatageTests: XCTestCase {
    func testHorodatagesStockesEtLisibles() {
        let date = Date(timeIntervalSince1970: 1_795_000_000) // 18/11/2026 ~ 09:46 UTC
        let iso = Horodatage.iso(date)
        XCTAssertTrue(iso.hasSuffix("Z"), iso)
        XCTAssertEqual(Horodatage.lire(iso), date)
        XCTAssertNotNil(Horodatage.lire("2026-11-18T09:46:40.123Z"), "fractions de seconde acceptées")
        XCTAssertNil(Horodatage.lire("18/11/2026"))
        let francais = Horodatage.francais(date)
        XCTAssertNotNil(francais.range(of: #"^\d{2}/11/2026 à \d{2}:\d{2}$"#, options: .regularExpression), francais)
    }
}

final class PseudonymisationTests: XCTestCase {
    /// RFC 4231, test case 2 (key « Jefe »): the pseudonym is the first 128 bits of the HMAC.
    func testVecteurRFC4231() {
        let p = Pseudonymiseur(cle: ClePseudonymisation(octets: Array("Jefe".utf8)))
        XCTAssertEqual(p.pseudonyme("what do ya want for nothing?"), "5bdcc146bf60754e6a042426089575c7")
    }

    /// The same pseudonyms as swift-crypto's `HMAC<SHA256>` (the pseudonyms already stored in a
    /// database must never change), for short, long, empty and non-ASCII identifiers and keys of
    /// every size, including one longer than a SHA-256 block.
    func testIdentiqueAHMACDeSwiftCrypto() {
        for taille in [1, 32, 64, 65, 100] {
            let octets = (0..<taille).map { UInt8(truncatingIfNeeded: $0 &* 37 &+ 11) }
            let p = Pseudonymiseur(cle: ClePseudonymisation(octets: octets))
            for id in ["", "P1", "DOSSIER-00042", "Élodie Dupré", String(repeating: "x", count: 200)] {
                let attendu = HMAC<SHA256>.authenticationCode(for: Array(id.utf8), using: SymmetricKey(data: octets))
                    .prefix(16).map { String(format: "%02x", $0) }.joined()
                XCTAssertEqual(p.pseudonyme(id), attendu, "clé de \(taille) octets, identifiant de \(id.utf8.count) octets")
            }
        }
    }
}
