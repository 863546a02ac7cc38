import Foundation
import XCTest
@testable import ObservatoireConsolidation
@testable import ObservatoireCore
@testable import ObservatoireIndicateurs
@testable import ObservatoireRapports
@testable import ObservatoireStore

/// The exchange files the engine writes, read back; the consolidated report in each format; the
/// commands as a user runs them; the demo, attacked with the C360s' true figures.
final class ConsolidationSortiesTests: XCTestCase {
    var dossiers: [URL] = []
    var espaces: [EspaceDeTest] = []

    override func tearDown() {
        for d in dossiers { try? FileManager.default.removeItem(at: d) }
        dossiers = []
        espaces = []
    }

    func temporaire(_ nom: String) -> URL {
        let d = FileManager.default.temporaryDirectory.appendingPathComponent("c360-\(nom)-\(UUID().uuidString)")
        dossiers.append(d)
        return d
    }

    func espaceFixture() throws -> EspaceDeTest {
        let t = try EspaceDeTest(territoires: ["Arrageois", "Ternois"])
        espaces.append(t)
        _ = try t.importer([IndicateursTests.dossierFixture])
        return t
    }

    // MARK: - The exchange format, written by the engine and read back

    func figure(_ x: Double?, _ r: Retenue?) -> Figure {
        if let r { return .retenue(r) }
        return x.map { .nombre($0) } ?? .absente
    }

    func testEchangeEcritParLeMoteurEtRelu() throws {
        let t = try espaceFixture()
        let moteur = Moteur(base: try t.base(), configuration: t.espace.configuration)
        let tableau = try moteur.tableau(.annee(2025), diffusion: .externe, repartitionsPrecedentes: false)
        XCTAssertGreaterThan(tableau.protection?.petitsEffectifs ?? 0, 0, "le jeu d'essai a de petits effectifs")
        let d = temporaire("aller-retour")
        for format in ["csv", "json"] {
            let texte = format == "csv" ? Restitution.csv(tableau, configuration: t.espace.configuration)
                : Restitution.json(tableau, configuration: t.espace.configuration).texteCompact
            try Echanges.ecrire(texte, "echange.\(format)", dans: d.appendingPathComponent(format))
            let lot = LectureEchange.lire([d.appendingPathComponent(format)])
            XCTAssertEqual(lot.ecartes.count, 0, "\(lot.ecartes)")
            let f = try XCTUnwrap(lot.fichiers.first)
            XCTAssertEqual(f.versionFormat, FormatEchange.version)
            XCTAssertEqual(f.c360, "C360 de test")
            XCTAssertEqual(f.departement, "62")
            XCTAssertEqual(f.periode, .annee(2025))
            XCTAssertEqual(f.seuil, 5)
            XCTAssertEqual(f.versionOutil, Version.courante)
            XCTAssertEqual(f.extraction.map { Int($0.timeIntervalSince1970) }, Int(tableau.extraction.timeIntervalSince1970))
            XCTAssertTrue(f.empreinteVerifiee)
            XCTAssertEqual(f.indicateurs.map(\.code), tableau.indicateurs.map(\.code), format)
            var retenues = 0
            for v in tableau.indicateurs {
                let x = try XCTUnwrap(f[v.code])
                let lieu = "\(format) \(v.code)"
                XCTAssertEqual(x.statut, v.statut, lieu)
                XCTAssertEqual(x.unite, v.indicateur.unite, lieu)
                XCTAssertEqual(x.valeur, figure(v.valeur, v.valeurRetenue), lieu)
                XCTAssertEqual(x.taux, figure(v.taux, v.tauxRetenu), lieu)
                if v.aUnTaux {
                    XCTAssertEqual(x.numerateur, figure(v.numerateur ?? 0, v.numerateurRetenu), lieu)
                    XCTAssertEqual(x.denominateur, figure(v.denominateur, v.denominateurRetenu), lieu)
                }
                XCTAssertEqual(x.cible, v.cible, lieu)
                XCTAssertEqual(x.atteinte, v.atteinte, lieu)
                XCTAssertEqual(x.statistiques.map(\.nom).sorted(), v.statistiques.map(\.nom).sorted(), lieu)
                for s in v.statistiques { XCTAssertEqual(x.statistique(s.nom), figure(s.valeur, s.retenue), "\(lieu) \(s.nom)") }
                XCTAssertEqual(x.repartition.map(\.cle), v.repartition.map(\.cle), lieu)
                XCTAssertEqual(x.repartition.map(\.n), v.repartition.map { figure($0.n, $0.retenue) }, lieu)
                retenues += [x.valeur, x.numerateur, x.denominateur, x.taux].filter { $0.retenue != nil }.count
            }
            XCTAssertGreaterThan(retenues, 0, "des chiffres retenus ont fait l'aller-retour en mots")
        }
    }

    // MARK: - The consolidated report

    func testRapportConsolideHTMLClasseurEtCSV() throws {
        let entree = try Echanges.dossierHautsDeFrance()
        dossiers.append(entree)
        let c = try Consolidateur.consolider(LectureEchange.lire([entree]), options: OptionsConsolidation(region: "32"))
        let sortie = temporaire("rapport-consolide")
        let fichiers = try Publication.consolidation(c, formats: Publication.FormatConsolidation.allCases, dossier: sortie)
        XCTAssertEqual(fichiers.map(\.lastPathComponent), ["consolidation-region-32-2025.xlsx", "consolidation-region-32-2025.html", "consolidation-region-32-2025.csv"])

        let html = try String(contentsOf: fichiers[1], encoding: .utf8)
        XCTAssertEqual(html.components(separatedBy: "<h1").count, 2, "un seul titre de niveau 1")
        for id in ["synthese", "completude", "cibles", "indicateur-1-6", "indicateur-2-1", "methodologie"] {
            XCTAssertTrue(html.contains("<section id=\"\(id)\""), id)
        }
        for interdit in ["<script", "http://", "https://", "<iframe", "<link"] { XCTAssertFalse(html.contains(interdit), interdit) }
        XCTAssertTrue(html.contains("75,1\u{00A0}% (205 / 273)"), "taux d'ensemble de 1.6 avec sa fraction")
        XCTAssertTrue(html.contains("Aucun chiffre masqué ne peut être retrouvé"), "la règle est dans la méthodologie")
        // The tile map of 2.1: Beta's square says its figure is withheld, the Oise has no file.
        let page21 = try XCTUnwrap(html.range(of: "<section id=\"indicateur-2-1\"").map { String(html[$0.lowerBound...].prefix(200_000)) })
        let debutCarte = try XCTUnwrap(page21.range(of: "<svg class=\"graphique carte\""))
        let finCarte = try XCTUnwrap(page21.range(of: "</svg>", range: debutCarte.upperBound..<page21.endIndex))
        let carte = String(page21[debutCarte.lowerBound..<finCarte.upperBound])
        XCTAssertTrue(carte.contains("<g class=\"tuile non-publie\" data-departement=\"62\">"), "Beta : non publié")
        XCTAssertTrue(carte.contains("<g class=\"tuile sans-fichier\" data-departement=\"60\">"), "Oise : pas de fichier")
        XCTAssertTrue(carte.contains("data-departement=\"59\"><title>Nord (59) : 12</title>"))
        XCTAssertEqual(carte.components(separatedBy: "<g class=\"tuile").count - 1, 5, "les cinq départements de la région, seuls")
        XCTAssertTrue(carte.contains(">&lt; 5</text>"), "le mot dans le carré de Beta")
        XCTAssertTrue(page21.contains("role=\"img\" aria-labelledby="))
        // Chart text is never under 11 px.
        let tailles = try NSRegularExpression(pattern: "font-size=\"([0-9.]+)\"").matches(in: html, range: NSRange(html.startIndex..., in: html))
            .compactMap { Double(html[Range($0.range(at: 1), in: html)!]) }
        XCTAssertGreaterThan(tailles.count, 100)
        XCTAssertGreaterThanOrEqual(tailles.min() ?? 0, 11)

        let classeur = try ClasseurLu(fichiers[0])
        XCTAssertEqual(Array(classeur.ordre.prefix(4)), ["Synthèse", "Complétude", "Cibles", "1.1 Sollicitations reçues"])
        XCTAssertEqual(classeur.ordre.last, "Méthodologie")
        XCTAssertTrue(classeur.ordre.allSatisfy { $0.count <= 31 })
        let f16 = "1.6 Solutions acceptées"
        let ensemble = try XCTUnwrap(classeur.lignes(f16).first { $0.first?.hasPrefix("Ensemble (4 C360 sur 4)") ?? false }, "\(classeur.lignes(f16))")
        XCTAssertEqual(ensemble[1], "0.751")
        let cellule = try XCTUnwrap(classeur.feuilles[f16]?.values.first { $0.valeur == "0.751" })
        XCTAssertEqual(cellule.formatNombre, "0.0%")
        let f14 = try XCTUnwrap(classeur.ordre.first { $0.hasPrefix("1.4 ") })
        let beta = try XCTUnwrap(classeur.lignes(f14).first { $0.first?.contains("C360 Beta") ?? false })
        XCTAssertEqual(beta[1], "effectif insuffisant", "un taux retenu reste un mot")
        XCTAssertEqual(beta[2], "moins de 5")
        for (nom, cellules) in classeur.feuilles { for (ref, x) in cellules { XCTAssertFalse(x.formule, "\(nom)!\(ref)") } }
        XCTAssertTrue(classeur.xml.keys.contains { $0.hasPrefix("xl/charts/") }, "des graphiques natifs (barres classées)")

        let csv = try String(contentsOf: fichiers[2], encoding: .utf8)
        XCTAssertEqual(csv.split(separator: "\n").first.map(String.init), SortieCSV.colonnes.joined(separator: ";"))
        XCTAssertEqual(csv.split(separator: "\n").count, 1 + c.indicateurs.count * 5, "quatre C360 et l'ensemble par indicateur")
    }

    // MARK: - The commands

    func testCommandeConsoliderCodesEtMessages() throws {
        let entree = try Echanges.dossierHautsDeFrance()
        dossiers.append(entree)
        let sortie = temporaire("sortie")
        let r = try Binaire.lancer(["consolider", entree.path, "--region", "32", "--sortie", sortie.path])
        XCTAssertEqual(r.code, 3, "rapport écrit, mais un fichier refusé et un doublon écarté : \(r.erreur)")
        XCTAssertTrue(r.erreur.contains("Refusé : oise-2025-interne.json — c'est un export interne"), r.erreur)
        XCTAssertTrue(r.erreur.contains("Écarté (doublon) : alpha-2025-premier-envoi.csv"), r.erreur)
        XCTAssertTrue(r.sortie.contains("Consolidation de la région Hauts-de-France — année 2025"), r.sortie)
        XCTAssertTrue(r.sortie.contains("C360 consolidées : 4 (sur 5 départements), dont 2 avec leur fichier de l'année 2024"), r.sortie)
        XCTAssertTrue(r.sortie.contains("delta-2025.csv : format d'avant la version 1"), r.sortie)
        for ext in ["xlsx", "html", "csv"] {
            XCTAssertTrue(FileManager.default.fileExists(atPath: sortie.appendingPathComponent("consolidation-region-32-2025.\(ext)").path), ext)
        }
        // Only an internal file: nothing to consolidate.
        let seul = temporaire("interne")
        try Echanges.ecrire(Echanges.json(c360: "C360 Oise", departement: "60", annee: 2025, diffusion: "interne",
                                          indicateurs: [Echanges.Ind(code: "1.1", valeur: "3")]), "oise.json", dans: seul)
        let vide = try Binaire.lancer(["consolider", seul.path, "--sortie", temporaire("rien").path])
        XCTAssertEqual(vide.code, 65)
        XCTAssertTrue(vide.erreur.contains("export interne"), vide.erreur)
        XCTAssertTrue(vide.erreur.contains("Aucun fichier d'échange lisible"), vide.erreur)
        for (arguments, attendu) in [(["--region", "99"], "Région « 99 » inconnue"), (["--periode", "l'an dernier"], "Période « l'an dernier » illisible"),
                                     (["--format", "pdf"], "Format « pdf » inconnu")] {
            let u = try Binaire.lancer(["consolider", entree.path, "--sortie", temporaire("u").path] + arguments)
            XCTAssertEqual(u.code, 2, "\(arguments)")
            XCTAssertTrue(u.erreur.contains(attendu), u.erreur)
        }
    }

    func testIndicateursSortieEcritLeFichierDEchangeEtSonEmpreinte() throws {
        let t = try espaceFixture()
        let envois = temporaire("envois")
        try FileManager.default.createDirectory(at: envois, withIntermediateDirectories: true)
        let r = try Binaire.lancer(["indicateurs", "--dossier", t.dossier.path, "--annee", "2025", "--diffusion", "externe", "--format", "csv", "--sortie", envois.path])
        XCTAssertEqual(r.code, 0, r.erreur)
        let fichier = envois.appendingPathComponent("indicateurs-62-2025-externe.csv")
        let donnees = try Data(contentsOf: fichier)
        let empreinte = try String(contentsOf: URL(fileURLWithPath: fichier.path + ".sha256"), encoding: .utf8)
        XCTAssertEqual(empreinte, Empreinte.sha256(donnees) + "  indicateurs-62-2025-externe.csv\n", "format de sha256sum")
        XCTAssertTrue(r.sortie.contains("Fichier d'échange écrit : \(fichier.path)"), r.sortie)
        // The same as the standard output, byte for byte.
        let standard = try Binaire.lancer(["indicateurs", "--dossier", t.dossier.path, "--annee", "2025", "--diffusion", "externe", "--format", "csv"])
        XCTAssertEqual(standard.sortie.split(separator: "\n").map { $0.split(separator: ";").dropLast(4) },
                       String(decoding: donnees, as: UTF8.self).split(separator: "\n").map { $0.split(separator: ";").dropLast(4) },
                       "mêmes lignes (hors date d'extraction)")
        // JSON, to a file name; an internal export is for its owner only, and says so.
        let json = envois.appendingPathComponent("interne.json")
        let i = try Binaire.lancer(["indicateurs", "--dossier", t.dossier.path, "--annee", "2025", "--format", "json", "--sortie", json.path])
        XCTAssertEqual(i.code, 0, i.erreur)
        XCTAssertTrue(i.sortie.contains("export interne"), i.sortie)
        let mode = try XCTUnwrap(try FileManager.default.attributesOfItem(atPath: json.path)[.posixPermissions] as? Int)
        XCTAssertEqual(mode & 0o077, 0, "mode 0600")
        let table = try Binaire.lancer(["indicateurs", "--dossier", t.dossier.path, "--annee", "2025", "--sortie", envois.path])
        XCTAssertEqual(table.code, 2)
        XCTAssertTrue(table.erreur.contains("--format csv ou --format json"), table.erreur)
        // The consolidation reads the external file and refuses the internal one.
        let c = try Binaire.lancer(["consolider", envois.path, "--sortie", temporaire("c").path])
        XCTAssertEqual(c.code, 3, c.erreur)
        XCTAssertTrue(c.erreur.contains("Refusé : interne.json — c'est un export interne"), c.erreur)
        XCTAssertTrue(c.sortie.contains("C360 consolidées : 1"), c.sortie)
    }

    // MARK: - The demo, attacked with the true figures

    func testDemoConsolidationEtAucunSecretRetrouve() throws {
        let d = temporaire("demo-consolidation")
        let r = try Binaire.lancer(["demo-consolidation", d.path, "--taille", "40"], environnement: ["C360_AUJOURDHUI": "2026-02-10"])
        XCTAssertEqual(r.code, 0, r.erreur)
        XCTAssertTrue(r.sortie.contains("consolidation-nationale-2025.html"), r.sortie)
        XCTAssertTrue(r.sortie.contains("consolidation-region-32-2025.xlsx"), r.sortie)
        let echanges = d.appendingPathComponent("echanges")
        let noms = try FileManager.default.contentsOfDirectory(atPath: echanges.path)
        XCTAssertEqual(noms.filter { !$0.hasSuffix(".sha256") }.count, 23, "douze C360, onze avec leur année précédente")
        XCTAssertEqual(noms.filter { $0.hasSuffix(".sha256") }.count, 22, "le fichier à l'ancien format n'a pas d'empreinte")
        let lot = LectureEchange.lire([echanges])
        XCTAssertEqual(lot.ecartes.count, 0, "\(lot.ecartes)")
        let c = try Consolidateur.consolider(lot, options: OptionsConsolidation(periode: .annee(2025)))
        XCTAssertEqual(c.c360.count, 12)
        XCTAssertEqual(c.avecPrecedent, 11)
        let csv = try String(contentsOf: d.appendingPathComponent("consolidation/consolidation-nationale-2025.csv"), encoding: .utf8)
        let attaque = Echanges.AttaqueCSV(c, csv: csv)
        // Each C360's true figures: its internal table, from its own workspace.
        var masques = 0, essais = 0
        for p in c.c360 {
            let dossier = d.appendingPathComponent("c360").appendingPathComponent(NomDeFichier.sur(p.departement.code))
            let espace = try EspaceDeTravail.ouvrir(dossier)
            let vrai = try Moteur(base: try Base.ouvrir(espace.baseDeDonnees, creer: false), configuration: espace.configuration)
                .tableau(.annee(2025), diffusion: .interne, repartitionsPrecedentes: false)
            for x in p.fichier!.indicateurs {
                let v = try XCTUnwrap(vrai[x.code])
                guard v.indicateur.unite != .jours else { continue }   // a mean: pooled, not summed (see the coverage test)
                for (champ, f, reel) in [("valeur", x.valeur, v.valeur), ("numerateur", x.numerateur, v.numerateur), ("denominateur", x.denominateur, v.denominateur)] {
                    guard f.retenue != nil, let reel else { continue }
                    masques += 1
                    // The cell is in no consolidated figure of its field…
                    let i = try XCTUnwrap(c[x.code])
                    XCTAssertFalse((champ == "valeur" ? i.ensemble.couvertureValeur : i.ensemble.couvertureTaux).contains(p.departement.code),
                                   "\(p.departement.code) \(x.code).\(champ) masqué mais compté")
                    // … so the total minus every other C360's published figure is at most zero:
                    // never the masked figure.
                    guard let reste = attaque.soustraire("\(x.code).\(champ)", p.departement.code) else { continue }
                    essais += 1
                    XCTAssertLessThanOrEqual(reste, 1e-6, "\(p.departement.code) \(x.code).\(champ) : l'ensemble ne contient que des chiffres publiés")
                    if reel != 0 { XCTAssertNotEqual(reste, reel, "\(p.departement.code) \(x.code).\(champ) retrouvé par différence") }
                }
            }
        }
        XCTAssertGreaterThan(masques, 5, "les petites C360 de la démonstration ont des chiffres masqués")
        XCTAssertGreaterThan(essais, 5)
        // Every consolidated figure is exactly the sum over the C360s it names.
        for i in c.indicateurs where i.unite != .jours {
            let parCode = Dictionary(uniqueKeysWithValues: i.lignes.map { ($0.departement.code, $0.indicateur) })
            let somme = i.ensemble.couvertureValeur.compactMap { parCode[$0]??.valeur.nombre }.reduce(0, +)
            if let v = i.ensemble.valeur { XCTAssertEqual(v, somme, accuracy: 0.051, i.code) }
            let num = i.ensemble.couvertureTaux.compactMap { parCode[$0]??.numerateur.nombre }.reduce(0, +)
            if let n = i.ensemble.numerateur { XCTAssertEqual(n, num, i.code) }
        }
    }
}
