import ArgumentParser
import Foundation
import ObservatoireCore

struct CommandeInit: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "init",
        abstract: "Crée un espace de travail : configuration commentée, dossiers et clé de pseudonymisation.",
        discussion: "Refuse d'écraser un espace existant. La clé de pseudonymisation (donnees/cle-pseudonymisation) est à sauvegarder à part."
    )

    @Argument(help: ArgumentHelp("Dossier de l'espace à créer.", valueName: "DOSSIER"))
    var dossier: String

    @Option(help: ArgumentHelp("Nom de la Communauté 360, repris dans les rapports.", valueName: "NOM"))
    var nom = "Communauté 360"

    @Option(help: ArgumentHelp("Code INSEE du département (62, 2A, 971…).", valueName: "CODE"))
    var departement = "62"

    func validate() throws {
        guard Configuration.estCodeDepartement(departement.uppercased()) else {
            throw ValidationError("« \(departement) » n'est pas un code de département : indiquez par exemple 62, 2A ou 971.")
        }
        guard !nom.trimmingCharacters(in: .whitespaces).isEmpty else {
            throw ValidationError("Le nom de la Communauté 360 est vide.")
        }
    }

    func run() throws {
        let url = URL(fileURLWithPath: dossier)
        let espace = try EspaceDeTravail.creer(dans: url, nom: nom, departement: departement)
        Sortie.ecrire("""
        Espace de travail créé dans « \(espace.racine.path) » pour « \(espace.configuration.nom) » (département \(espace.configuration.departement)).
          configuration : \(espace.fichierConfiguration.path) (à relire : territoires, cibles, seuil)
          clé           : \(espace.fichierCle.path) (mode 0600 — sauvegardez-la à part)
          à traiter     : \(espace.dossierATraiter.path) (déposez-y les exports du mois)
          récit annuel  : \(espace.fichierRecit.path)
        Étape suivante : c360 importer --dossier \(espace.racine.path) \(espace.dossierATraiter.path)
        """)
    }
}
