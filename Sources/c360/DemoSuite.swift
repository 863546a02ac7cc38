import Foundation
import ObservatoireCore
import ObservatoireIndicateurs
import ObservatoireRapports
import ObservatoireStore

/// What `c360 demo` does after the import: the indicator table, the reports, the dashboard.
enum DemoSuite {
    static func apresImport(espace: EspaceDeTravail, annee: Int) throws {
        let base = try Base.ouvrir(espace.baseDeDonnees, creer: false, espace: espace)
        let moteur = Moteur(base: base, configuration: espace.configuration)
        let tableau = try moteur.tableau(.annee(annee), diffusion: .interne)
        Sortie.ecrire(Restitution.texte(tableau, nom: espace.configuration.nom))
        Sortie.ecrire("")
        var fichiers: [URL] = []
        for diffusion in [Diffusion.interne, .externe] {
            fichiers += try Publication.rapport(espace: espace, base: base, annee: annee, formats: [.xlsx, .html],
                                                diffusion: diffusion, dossier: espace.dossierRapports)
        }
        let dernierMois = Jour.aujourdhui().debutDuMois - 1
        fichiers += (try Publication.tableauDeBord(espace: espace, base: base, jusqua: dernierMois, diffusion: .externe,
                                                      dossier: espace.dossierRapports))
        Sortie.ecrire("Rapports d'activité \(annee) et tableau de bord écrits :")
        for f in fichiers { Sortie.ecrire("  \(f.path)") }
        Sortie.ecrire("")
        Sortie.ecrire("Ouvrez les pages .html dans un navigateur et les classeurs .xlsx dans Excel ou LibreOffice.")
        Sortie.ecrire("Les versions « -externe » masquent les petits effectifs : ce sont elles qui peuvent être envoyées au COTER et à la CNSA (le rapport annuel, le tableau de bord de décembre et le fichier d'échange de l'année sont protégés ensemble : voir la méthodologie du rapport).")
    }
}
