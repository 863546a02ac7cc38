import ArgumentParser
import Foundation
import ObservatoireCore
import ObservatoireDemo
import ObservatoireImport

struct CommandeDemoDonnees: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo-donnees",
        abstract: "Écrit des exports synthétiques réalistes au format canonique (les mêmes pour la même graine).",
        discussion: "Cinq fichiers CSV : acteurs, equipe, membres_coeur, sollicitations, propositions. Aucune donnée réelle."
    )

    @Argument(help: ArgumentHelp("Dossier où écrire les fichiers.", valueName: "DOSSIER"))
    var dossier: String

    @Option(help: ArgumentHelp("Nombre de sollicitations sur toute la période (de quelques centaines à 1 000 000).", valueName: "N"))
    var sollicitations = 5_000

    @Option(help: ArgumentHelp("Graine du générateur : la même graine donne les mêmes fichiers.", valueName: "G"))
    var graine: UInt64 = 360

    @Option(help: ArgumentHelp("Début de la période (par défaut : 1er janvier d'il y a deux ans).", valueName: "DATE"))
    var du: Jour?

    @Option(help: ArgumentHelp("Fin de la période (par défaut : dernier jour du mois précédent).", valueName: "DATE"))
    var au: Jour?

    @Option(help: ArgumentHelp("Part de lignes volontairement erronées, comme dans les vrais exports (0 pour des données propres).", valueName: "TAUX"))
    var erreurs = 0.002

    func validate() throws {
        if sollicitations < 0 || sollicitations > 20_000_000 { throw ValidationError("--sollicitations doit être compris entre 0 et 20 000 000.") }
        if erreurs < 0 || erreurs > 1 { throw ValidationError("--erreurs est une part entre 0 et 1 (par exemple 0.002).") }
        if let du, let au, au < du { throw ValidationError("--au doit être postérieur à --du.") }
    }

    func run() throws {
        var o = OptionsDemo()
        o.sollicitations = sollicitations
        o.graine = graine
        o.tauxErreurs = erreurs
        if let du { o.du = du }
        if let au { o.au = au }
        if o.au < o.du { throw ValidationError("La période est vide : --du \(o.du.francais) est après --au \(o.au.francais).") }
        let bilan = try GenerateurDemo.generer(dans: URL(fileURLWithPath: dossier), options: o)
        Sortie.ecrire(CommandeDemoDonnees.resume(bilan, o))
    }

    static func resume(_ bilan: BilanDemo, _ o: OptionsDemo) -> String {
        var l = ["Exports de démonstration écrits dans « \(bilan.dossier.path) » (du \(o.du.francais) au \(o.au.francais), graine \(o.graine)) :"]
        for t in TableCanonique.allCases {
            l.append("  \(t.rawValue).csv : \(Bilans.pluriel(bilan.lignes[t] ?? 0, "ligne"))")
        }
        if bilan.erreursInjectees > 0 {
            l.append("  dont \(Bilans.pluriel(bilan.erreursInjectees, "ligne volontairement erronée", "lignes volontairement erronées")) (elles seront rejetées à l'import, comme dans un vrai export).")
        }
        return l.joined(separator: "\n")
    }
}

struct CommandeDemo: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "demo",
        abstract: "Le traitement complet sur des données de démonstration : espace, données, import, indicateurs, rapports.",
        discussion: "Relancer la commande sur le même dossier ne change rien aux données (mêmes fichiers, déjà importés) et régénère les rapports."
    )

    @Argument(help: ArgumentHelp("Dossier de l'espace de démonstration.", valueName: "DOSSIER"))
    var dossier = "demo-c360"

    @Option(help: ArgumentHelp("Nombre de sollicitations générées.", valueName: "N"))
    var sollicitations = 5_000

    @Option(help: ArgumentHelp("Graine du générateur.", valueName: "G"))
    var graine: UInt64 = 360

    func run() throws {
        let racine = URL(fileURLWithPath: dossier)
        let aujourdhui = Jour.aujourdhui()
        let espace: EspaceDeTravail
        if FileManager.default.fileExists(atPath: racine.appendingPathComponent(Configuration.nomDeFichier).path) {
            espace = try EspaceDeTravail.ouvrir(racine)
            Sortie.ecrire("Espace de démonstration existant réutilisé : \(espace.racine.path)")
        } else {
            espace = try EspaceDeTravail.creer(dans: racine, nom: "Communauté 360 du Pas-de-Calais (démonstration)", departement: "62",
                                               territoires: OptionsDemo.territoiresPasDeCalais.map(\.0))
            Sortie.ecrire("Espace de démonstration créé : \(espace.racine.path)")
        }
        var o = OptionsDemo(aujourdhui: aujourdhui)
        o.sollicitations = sollicitations
        o.graine = graine
        let exports = espace.racine.appendingPathComponent("exports-demo", isDirectory: true)
        let generation = try GenerateurDemo.generer(dans: exports, options: o)
        Sortie.ecrire(CommandeDemoDonnees.resume(generation, o))
        Sortie.ecrire("")

        let (bilan, journal) = try Execution.importer(espace: espace, urls: [exports], options: OptionsImport(), commande: "demo")
        Sortie.ecrire(Bilans.texte(bilan, espace: espace, journal: journal))
        if bilan.code == .donneesIllisibles { throw ExitCode(bilan.code.rawValue) }
        Sortie.ecrire("")
        try DemoSuite.apresImport(espace: espace, annee: aujourdhui.annee - 1)
    }
}
