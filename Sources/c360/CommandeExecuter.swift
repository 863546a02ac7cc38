import ArgumentParser
import Foundation
import ObservatoireCore
import ObservatoireExecution
import ObservatoireRapports

struct CommandeExecuter: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "executer",
        abstract: "L'exécution mensuelle : importe les nouveaux exports, les archive, rafraîchit le tableau de bord et les rapports de l'année.",
        discussion: """
        Prévue pour cron ou un minuteur systemd (voir README.md). Chaque fichier du dossier « a-traiter » \
        est importé avec le profil de correspondance dont le motif de nom lui correspond, puis rangé \
        dans « archives/AAAA-MM » ; un fichier illisible va dans « erreurs » avec une note expliquant \
        quoi faire. Relancer la commande ne change rien. Codes de sortie : 0 sans rejet, 2 profil de \
        correspondance invalide ou ambigu (le reste est importé), 3 avec des lignes rejetées (aussi celles \
        d'une exécution précédente arrêtée après son import : elles sont signalées par la suivante), 65 \
        fichier illisible ou refusé, 73 écriture impossible, 75 autre exécution en cours. \
        Les rapports et tableaux de bord externes sont réécrits chaque mois ; ceux d'une année passée \
        dont les données ont changé depuis (décisions de décembre saisies en janvier) le sont aussi, \
        et le résumé le dit. Le tableau de bord de \
        décembre est protégé avec le rapport annuel et le fichier d'échange de l'année, et chaque \
        document externe après ceux déjà publiés (la base garde les effectifs qu'ils ont montrés) : \
        rapprochés, ils ne laissent retrouver aucune case.
        """
    )

    @OptionGroup var espace: OptionsEspace

    @Option(help: ArgumentHelp("Mois traité (par défaut : le mois précédent).", valueName: "AAAA-MM"))
    var mois: String?

    @Flag(name: .customLong("a-blanc"), help: "Dit ce qui serait fait, sans rien modifier.")
    var aBlanc = false

    func validate() throws {
        if let mois, OptionsPeriode.lireMois(mois) == nil { throw ValidationError("Mois « \(mois) » illisible : écrivez-le AAAA-MM, par exemple 2025-03.") }
    }

    func run() throws {
        let espace = try self.espace.espace()
        var options = OptionsExecution()
        if let (a, m) = mois.flatMap(OptionsPeriode.lireMois) { options.mois = Jour(annee: a, mois: m, jour: 1)! }
        options.aBlanc = aBlanc
        let bilan: BilanExecution
        do {
            bilan = try ExecutionMensuelle.executer(espace: espace, options: options)
        } catch let e as ExecutionInterrompue {
            // The import is committed: its summary is not lost with the error.
            resumer(e.bilan, espace: espace)
            let importe = e.bilan.importation?.fichiers.contains { $0.erreur == nil && !$0.dejaImporte } ?? false
            Sortie.ecrire((importe ? "L'exécution s'est arrêtée après l'import (voir l'erreur) : ce qui est importé ci-dessus est enregistré ; "
                                   : "L'exécution s'est arrêtée (voir l'erreur) : ")
                          + "les fichiers qui n'ont pas pu être rangés restent dans « a-traiter » et le seront à la prochaine exécution, qui écrira aussi les rapports et tableaux de bord manquants.")
            throw e.cause
        }
        resumer(bilan, espace: espace)
        // Also on the error stream, like `importer`: the configuration has to be fixed.
        for p in bilan.profilsInvalides { Sortie.erreur("Attention : \(p.avertissement)") }
        if !bilan.rapports.isEmpty, let probleme = Recit.lire(espace).probleme {
            Sortie.erreur("Attention : \(probleme) Les rapports sont écrits avec une note à la place du récit.")
        }
        if bilan.code != .succes { throw ExitCode(bilan.code.rawValue) }
    }

    func resumer(_ bilan: BilanExecution, espace: EspaceDeTravail) {
        if let i = bilan.importation, !i.fichiers.isEmpty {
            Sortie.ecrire(Bilans.texte(i, espace: espace, journal: nil, simulation: aBlanc))
            Sortie.ecrire("")
        }
        Sortie.ecrire(bilan.resume)
    }
}
