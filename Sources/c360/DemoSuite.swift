import Foundation
import ObservatoireCore
import ObservatoireIndicateurs
import ObservatoireStore

/// What `c360 demo` does after the import: the indicator table, then the reports.
enum DemoSuite {
    static func apresImport(espace: EspaceDeTravail, annee: Int) throws {
        let base = try Base.ouvrir(espace.baseDeDonnees, creer: false)
        let moteur = Moteur(base: base, configuration: espace.configuration)
        let tableau = try moteur.tableau(.annee(annee), diffusion: .interne)
        Sortie.ecrire(Restitution.texte(tableau, nom: espace.configuration.nom))
    }
}
