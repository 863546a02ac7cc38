import ArgumentParser
import Foundation
import ObservatoireConsolidation
import ObservatoireCore
import ObservatoireDemo
import ObservatoireImport
import ObservatoireIndicateurs
import ObservatoireRapports
import ObservatoireStore

/// `c360 demo-consolidation`: a dozen demo C360s of different sizes and habits, each run
/// through the real pipeline (generated exports, import, engine in `externe`, exchange files
/// with their fingerprints), then consolidated for the whole country and for one region.
struct CommandeDemoConsolidation: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-consolidation",
        abstract: "Les fichiers d'échange d'une douzaine de C360 de démonstration, consolidés (France entière et Hauts-de-France).",
        discussion: """
        Pour chaque C360 de démonstration : un espace de travail, des exports synthétiques sur deux \
        ans, l'import, puis ses fichiers d'indicateurs externes des deux années (« c360 indicateurs \
        --diffusion externe --sortie »). Les C360 diffèrent par leur taille (de quelques dizaines à \
        quelques milliers de demandes par an), leurs délais, leurs décisions et leurs publics ; les \
        plus petites ont des chiffres masqués, l'une ne saisit pas le projet de vie, une autre n'a \
        pas de fichier de l'année précédente, une autre l'a envoyé dans l'ancien format. Relancer la \
        commande sur le même dossier ne change rien aux données.
        """
    )

    @Argument(help: ArgumentHelp("Dossier de la démonstration.", valueName: "DOSSIER"))
    var dossier = "demo-consolidation"

    @Option(help: ArgumentHelp("Taille de référence : nombre de sollicitations par an d'une C360 moyenne.", valueName: "N"))
    var taille = 600

    func validate() throws {
        if !(10...100_000).contains(taille) { throw ValidationError("--taille doit être compris entre 10 et 100 000.") }
    }

    /// A demo C360: where, how big (× `taille`), and how it works.
    struct C360Demo {
        var departement: String
        var nom: String
        var echelle: Double
        var territoires: [String]
        var json = false
        /// Its file of the year before is in the format before version 1 (and has no fingerprint).
        var ancienFormatN1 = false
        /// It started this year: no file of the year before.
        var sansN1 = false
        var regler: (inout VarianteDemo) -> Void = { _ in }
    }

    static let reseau: [C360Demo] = [
        C360Demo(departement: "59", nom: "Communauté 360 du Nord", echelle: 4, territoires: ["Flandre", "Métropole lilloise", "Douaisis", "Valenciennois", "Avesnois"]) {
            $0.delaiMedian = 9; $0.poidsDecisions = [0.78, 0.10, 0.06, 0.06]
        },
        C360Demo(departement: "62", nom: "Communauté 360 du Pas-de-Calais", echelle: 2.5, territoires: ["Arrageois", "Artois", "Boulonnais", "Calaisis", "Lens-Liévin"]),
        C360Demo(departement: "80", nom: "Communauté 360 de la Somme", echelle: 0.9, territoires: ["Amiénois", "Picardie maritime", "Santerre"]) {
            $0.delaiMedian = 20; $0.partMilieuOrdinaire = 0.62
        },
        C360Demo(departement: "75", nom: "Communauté 360 de Paris", echelle: 3.5, territoires: ["Paris Centre", "Paris Nord", "Paris Sud", "Paris Est", "Paris Ouest"]) {
            $0.poidsProfils = [0.12, 0.40, 0.23, 0.25]; $0.partAdHoc = 0.35
        },
        C360Demo(departement: "69", nom: "Communauté 360 du Rhône", echelle: 2.8, territoires: ["Lyon", "Beaujolais", "Monts du Lyonnais"]) { $0.delaiMedian = 11 },
        C360Demo(departement: "13", nom: "Communauté 360 des Bouches-du-Rhône", echelle: 3, territoires: ["Marseille", "Aix", "Arles", "Istres"]) {
            $0.delaiMedian = 24; $0.poidsDecisions = [0.60, 0.20, 0.10, 0.10]
        },
        C360Demo(departement: "33", nom: "Communauté 360 de la Gironde", echelle: 2.2, territoires: ["Bordeaux Métropole", "Médoc", "Libournais", "Bassin d'Arcachon"], json: true),
        C360Demo(departement: "35", nom: "Communauté 360 d'Ille-et-Vilaine", echelle: 1.5, territoires: ["Rennes", "Saint-Malo", "Fougères", "Vitré"]) {
            $0.partEvaluation = 0.7; $0.projetsRenseignes = false
        },
        C360Demo(departement: "67", nom: "Communauté 360 du Bas-Rhin", echelle: 1.6, territoires: ["Eurométropole", "Alsace du Nord", "Alsace centrale"], json: true,
                 ancienFormatN1: true) { $0.partMilieuOrdinaire = 0.45 },
        C360Demo(departement: "971", nom: "Communauté 360 de la Guadeloupe", echelle: 0.25, territoires: ["Grande-Terre", "Basse-Terre", "Îles du Sud"]) {
            $0.delaiMedian = 30; $0.poidsProfils = [0.30, 0.40, 0.22, 0.08]
        },
        C360Demo(departement: "48", nom: "Communauté 360 de la Lozère", echelle: 0.12, territoires: ["Mende", "Margeride", "Cévennes"]) { $0.delaiMedian = 18 },
        C360Demo(departement: "2A", nom: "Communauté 360 de Corse-du-Sud", echelle: 0.06, territoires: ["Ajaccio", "Sartenais"], sansN1: true),
    ]

    func run() throws {
        let racine = URL(fileURLWithPath: dossier, isDirectory: true)
        let echanges = racine.appendingPathComponent("echanges", isDirectory: true)
        let sortie = racine.appendingPathComponent("consolidation", isDirectory: true)
        try Publication.preparerDossier(echanges)
        let aujourdhui = Jour.aujourdhui()
        let annee = aujourdhui.annee - 1
        Sortie.ecrire("Douze C360 de démonstration, années \(annee - 1) et \(annee) :")
        for (k, d) in CommandeDemoConsolidation.reseau.enumerated() {
            let n = try preparer(d, graine: UInt64(3_600 + k), annee: annee, aujourdhui: aujourdhui, racine: racine, echanges: echanges)
            Sortie.ecrire("  \(d.departement.padding(toLength: 4, withPad: " ", startingAt: 0))\(d.nom) : \(Bilans.pluriel(n, "sollicitation")) importées")
        }
        Sortie.ecrire("Fichiers d'échange (avec leur empreinte .sha256) : \(echanges.path)")
        Sortie.ecrire("")
        var fichiers: [URL] = []
        for region in [nil, "32"] as [String?] {
            let (_, f) = try CommandeConsolider.consolider([echanges], region: region, periode: .annee(annee), dossier: sortie,
                                                          formats: Publication.FormatConsolidation.allCases)
            fichiers += f
            Sortie.ecrire("")
        }
        Sortie.ecrire("Rapports consolidés écrits :")
        for f in fichiers { Sortie.ecrire("  \(f.path)") }
        Sortie.ecrire("")
        Sortie.ecrire("Ouvrez les pages .html dans un navigateur et les classeurs .xlsx dans Excel ou LibreOffice. Pour consolider vos propres fichiers :")
        Sortie.ecrire("  c360 consolider DOSSIER_DES_FICHIERS [--region CODE] [--periode AAAA] --sortie DOSSIER")
    }

    /// One demo C360: its workspace (created once), its exports, their import, its exchange files.
    /// Returns the requests stored.
    func preparer(_ d: C360Demo, graine: UInt64, annee: Int, aujourdhui: Jour, racine: URL, echanges: URL) throws -> Int {
        let dossierC360 = racine.appendingPathComponent("c360", isDirectory: true).appendingPathComponent(NomDeFichier.sur(d.departement), isDirectory: true)
        let nom = d.nom + " (démonstration)"
        let espace: EspaceDeTravail
        if FileManager.default.fileExists(atPath: dossierC360.appendingPathComponent(Configuration.nomDeFichier).path) {
            espace = try EspaceDeTravail.ouvrir(dossierC360)
        } else {
            espace = try EspaceDeTravail.creer(dans: dossierC360, nom: nom, departement: d.departement, territoires: d.territoires)
        }
        var o = OptionsDemo(aujourdhui: aujourdhui)
        o.du = Jour(annee: d.sansN1 ? annee : annee - 1, mois: 1, jour: 1)!
        o.au = Jour(annee: annee, mois: 12, jour: 31)!
        o.sollicitations = max(20, Int((Double(taille) * d.echelle * (d.sansN1 ? 1 : 2)).rounded()))
        o.graine = graine
        o.departement = d.departement
        o.territoires = d.territoires
        o.tauxErreurs = 0
        d.regler(&o.variante)
        let exports = espace.racine.appendingPathComponent("exports-demo", isDirectory: true)
        _ = try GenerateurDemo.generer(dans: exports, options: o)
        var options = OptionsImport()
        options.aujourdhui = aujourdhui
        let (bilan, _) = try Execution.importer(espace: espace, urls: [exports], options: options, commande: "demo-consolidation")
        if bilan.code == .donneesIllisibles { throw ExitCode(bilan.code.rawValue) }
        let base = try Base.ouvrir(espace.baseDeDonnees, creer: false, espace: espace)
        let moteur = Moteur(base: base, configuration: espace.configuration)
        for a in d.sansN1 ? [annee] : [annee - 1, annee] {
            let tableau = try moteur.tableau(.annee(a), diffusion: .externe, repartitionsPrecedentes: false)
            let ancien = d.ancienFormatN1 && a == annee - 1
            let format = d.json && !ancien ? "json" : "csv"
            var texte = format == "json" ? Restitution.json(tableau, configuration: espace.configuration).texteCompact + "\n"
                : Restitution.csv(tableau, configuration: espace.configuration)
            let nomFichier = EcritureEchange.nom(departement: d.departement, periode: .annee(a), territoire: nil, diffusion: .externe, extension: format)
            if ancien {
                // As the exports were before the format had a version: the first eighteen columns,
                // and no fingerprint beside the file.
                texte = texte.split(separator: "\n").map { ligne in
                    ligne.split(separator: ";", omittingEmptySubsequences: false).dropLast(Restitution.colonnesCSV.count - 18).joined(separator: ";")
                }.joined(separator: "\n") + "\n"
                let url = echanges.appendingPathComponent(nomFichier)
                try? FileManager.default.removeItem(atPath: url.path + "." + FormatEchange.extensionEmpreinte)
                do { try Data(texte.utf8).write(to: url, options: .atomic) } catch { throw ErreurObservatoire.ecriture(url.path, erreur: error) }
            } else {
                _ = try EcritureEchange.ecrire(Data(texte.utf8), vers: echanges.appendingPathComponent(nomFichier), nomParDefaut: nomFichier, prive: false)
            }
        }
        return try base.file.read { db in try Int.fetchOne(db, sql: "SELECT count(*) FROM sollicitations") ?? 0 }
    }
}
