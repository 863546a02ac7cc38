import ArgumentParser
import Foundation
import ObservatoireCore
import ObservatoireIndicateurs
import ObservatoireRapports
import ObservatoireStore

struct CommandeRapport: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "rapport",
        abstract: "Écrit le rapport annuel d'activité (classeur Excel, page HTML, PDF) et affiche leurs chemins.",
        discussion: """
        Le rapport reprend le tableau d'indicateurs du cahier des charges avec les cibles et l'année \
        précédente, l'activité mois par mois, les répartitions, les délais, les territoires, l'équipe \
        et les partenaires, la qualité des données et la méthodologie. Le récit de l'année \
        (recit.md) est repris quand il est écrit. Ses sections suivent le plan « plan-rapport.yml » \
        (modifiable dans le dossier « modeles »). Le PDF est imprimé à partir de la page HTML par \
        Chromium (paquet « chromium »). Avec --territoire, le rapport d'un seul territoire. En \
        diffusion externe (COTER, CNSA), les petits effectifs sont masqués partout, graphiques compris. \
        Le rapport externe de toute la C360 est protégé avec le tableau de bord de décembre et le \
        fichier d'échange de la même année (ils peuvent être remis ensemble), et tout document externe \
        après ceux déjà publiés (la base garde les effectifs qu'ils ont montrés ; voir la méthodologie).
        """
    )

    @OptionGroup var espace: OptionsEspace

    @Option(help: ArgumentHelp("Année du rapport.", valueName: "AAAA"))
    var annee: Int

    @Option(help: ArgumentHelp("Formats, séparés par des virgules : xlsx, html, pdf.", valueName: "FORMATS"))
    var format = "xlsx,html"

    @Option(help: ArgumentHelp("Le rapport d'un seul territoire (ses chiffres sont ceux de « c360 indicateurs --territoire »).", valueName: "TERRITOIRE"))
    var territoire: String?

    @Option(help: ArgumentHelp("interne (tous les chiffres) ou externe (petits effectifs masqués, pour le COTER et la CNSA).", valueName: "DIFFUSION"))
    var diffusion: Diffusion = .interne

    @Option(help: ArgumentHelp("Dossier où écrire les rapports (par défaut : le dossier « rapports » de l'espace).", valueName: "DOSSIER"))
    var sortie: String?

    var formats: [Publication.Format] {
        format.split(separator: ",").compactMap { Publication.Format(rawValue: $0.trimmingCharacters(in: .whitespaces).lowercased()) }
    }

    func validate() throws {
        let demandes = format.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        for f in demandes where Publication.Format(rawValue: f) == nil {
            throw ValidationError("Format « \(f) » inconnu : xlsx, html ou pdf, séparés par des virgules.")
        }
        if demandes.isEmpty { throw ValidationError("Indiquez au moins un format : xlsx, html ou pdf.") }
        if let territoire, territoire.trimmingCharacters(in: .whitespaces).isEmpty { throw ValidationError("Le territoire est vide.") }
        if !(2000...2100).contains(annee) { throw ValidationError("Année \(annee) hors des bornes (2000 à 2100).") }
    }

    func run() throws {
        let espace = try self.espace.espace()
        let dossier = sortie.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? espace.dossierRapports
        let verrou = try Verrou.prendrePartage(espace)
        defer { verrou.liberer() }
        let base = try Base.ouvrir(espace.baseDeDonnees, creer: false, espace: espace)
        // The same territories as `indicateurs --territoire`: configured or seen in any period,
        // whatever the case and accents of their spelling.
        let territoire = try Territoires.resoudre(self.territoire, moteur: Moteur(base: base, configuration: espace.configuration),
                                                  periode: .annee(annee))
        let fichiers = try Publication.rapport(espace: espace, base: base, annee: annee, territoire: territoire, formats: formats,
                                               diffusion: diffusion, dossier: dossier)
        let pour = territoire.map { " — territoire « \($0) »" } ?? ""
        Sortie.ecrire("Rapport d'activité \(annee) de « \(espace.configuration.nom) »\(pour) (diffusion \(diffusion.rawValue)) :")
        for f in fichiers { Sortie.ecrire("  \(f.path)") }
        if fichiers.contains(where: { $0.pathExtension == "html" || $0.pathExtension == "pdf" }), let probleme = Recit.lire(espace).probleme {
            Sortie.erreur("Attention : \(probleme) Le rapport est écrit avec une note à la place du récit.")
        }
    }
}

struct CommandeTableauDeBord: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "tableau-de-bord",
        abstract: "Écrit le tableau de bord du COTER (HTML, PDF) : indicateurs mois par mois sur 24 mois, cumul de l'année face aux cibles, territoires.",
        discussion: "Par défaut en diffusion externe (petits effectifs masqués), pour être partagé avec les membres du COTER. Chaque mois a son fichier (…-AAAA-MM.html) ; le fichier sans mois est une copie du plus récent. La commande « executer » le rafraîchit chaque mois. Le tableau de bord de décembre est protégé avec le rapport annuel et le fichier d'échange de la même année, et chaque tableau de bord externe après les documents externes déjà publiés (la base garde les effectifs qu'ils ont montrés) : rapprochés, ils ne laissent retrouver aucun petit effectif (voir la méthodologie)."
    )

    @OptionGroup var espace: OptionsEspace

    @Option(help: ArgumentHelp("Dernier mois montré (par défaut : le mois précédent).", valueName: "AAAA-MM"))
    var mois: String?

    @Option(help: ArgumentHelp("externe (petits effectifs masqués) ou interne.", valueName: "DIFFUSION"))
    var diffusion: Diffusion = .externe

    @Option(help: ArgumentHelp("Formats, séparés par des virgules : html, pdf.", valueName: "FORMATS"))
    var format = "html"

    @Option(help: ArgumentHelp("Dossier où écrire la page (par défaut : le dossier « rapports » de l'espace).", valueName: "DOSSIER"))
    var sortie: String?

    var formats: [Publication.Format] {
        format.split(separator: ",").compactMap { Publication.Format(rawValue: $0.trimmingCharacters(in: .whitespaces).lowercased()) }
    }

    func validate() throws {
        let demandes = format.split(separator: ",").map { $0.trimmingCharacters(in: .whitespaces).lowercased() }
        for f in demandes where f != "html" && f != "pdf" {
            throw ValidationError("Format « \(f) » inconnu : html ou pdf, séparés par une virgule.")
        }
        if demandes.isEmpty { throw ValidationError("Indiquez au moins un format : html ou pdf.") }
        if let mois, OptionsPeriode.lireMois(mois) == nil { throw ValidationError("Mois « \(mois) » illisible : écrivez-le AAAA-MM, par exemple 2025-03.") }
    }

    func run() throws {
        let espace = try self.espace.espace()
        let dossier = sortie.map { URL(fileURLWithPath: $0, isDirectory: true) } ?? espace.dossierRapports
        let jusqua = mois.flatMap(OptionsPeriode.lireMois).map { Jour(annee: $0.0, mois: $0.1, jour: 1)! } ?? (Jour.aujourdhui().debutDuMois - 1)
        let verrou = try Verrou.prendrePartage(espace)
        defer { verrou.liberer() }
        let base = try Base.ouvrir(espace.baseDeDonnees, creer: false, espace: espace)
        let fichiers = try Publication.tableauDeBord(espace: espace, base: base, jusqua: jusqua, diffusion: diffusion, dossier: dossier,
                                                     formats: formats)
        Sortie.ecrire("Tableau de bord de « \(espace.configuration.nom) » jusqu'à \(Periode.nomsDesMois[jusqua.mois - 1]) \(jusqua.annee) (diffusion \(diffusion.rawValue)) :")
        for f in fichiers { Sortie.ecrire("  \(f.path)") }
    }
}
