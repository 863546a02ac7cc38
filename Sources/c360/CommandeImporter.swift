import ArgumentParser
import Foundation
import ObservatoireCore
import ObservatoireImport
import ObservatoireStore

enum FormatBilan: String, ExpressibleByArgument, CaseIterable {
    case texte, json

    // The help names the values in French in its own text (see Francais.swift).
    static var allValueStrings: [String] { [] }
    static var defaultCompletionKind: CompletionKind { .list(allCases.map(\.rawValue)) }
}

struct CommandeImporter: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "importer",
        abstract: "Importe des exports (.csv, .txt, .xlsx) dans la base, en une seule transaction.",
        discussion: """
        Un dossier désigne tous les exports qu'il contient. Les fichiers sont importés dans l'ordre \
        des dépendances (acteurs, equipe, membres_coeur, sollicitations, propositions), quel que soit \
        l'ordre donné. La table d'un fichier est reconnue à son nom, sinon à ses colonnes ; un \
        profil de correspondance (dossier profils/) lit un tableur non canonique, éventuellement \
        vers plusieurs tables à la fois (une ligne par appel : la sollicitation et ses orientations).
        Chaque ligne lue est importée ou rejetée avec son motif (lues = importées + rejetées). Un \
        fichier déjà importé (même contenu) ne change rien. Les colonnes hors format ne sont jamais \
        enregistrées. Codes de sortie : 0 sans rejet, 3 avec rejets, 65 fichier illisible (ou \
        état complet refusé par prudence : il ne contient plus une grande part de sa source).
        """
    )

    @OptionGroup var espace: OptionsEspace

    @Argument(help: ArgumentHelp("Fichiers ou dossiers à importer.", valueName: "CHEMIN"))
    var chemins: [String]

    @Option(help: ArgumentHelp("Force la table de tous les fichiers : sollicitations, propositions, acteurs, equipe ou membres_coeur.", valueName: "TABLE"))
    var table: String?

    @Option(help: ArgumentHelp("Profil de correspondance (fichier profils/NOM.yml) pour un export non canonique.", valueName: "NOM"))
    var profil: String?

    @Flag(help: ArgumentHelp("Chaque fichier est l'état complet de sa source (le tableur réexporté en entier) : les lignes absentes du nouvel export sont supprimées de la base, dans la même transaction."))
    var instantane = false

    @Flag(help: "Annule tout l'import si une seule ligne est rejetée (rien n'est enregistré).")
    var strict = false

    @Flag(help: "Réimporte un fichier même si le même contenu a déjà été importé.")
    var forcer = false

    @Flag(name: .customLong("accepter-suppressions"),
          help: ArgumentHelp("Instantané : supprime les lignes absentes du nouvel export même quand elles sont nombreuses (plus du cinquième de la source, au moins 5). Sans cette option, un tel export est refusé en entier (rien n'est importé ni supprimé) et le bilan l'explique (un classeur d'une nouvelle année, un extrait filtré…)."))
    var accepterSuppressions = false

    @Option(help: ArgumentHelp("Présentation du bilan : texte ou json.", valueName: "FORMAT"))
    var format: FormatBilan = .texte

    func validate() throws {
        if chemins.isEmpty { throw ValidationError("Indiquez au moins un fichier ou un dossier à importer.") }
        if let table, TableCanonique.depuisNom(table) == nil {
            throw ValidationError("Table « \(table) » inconnue : \(TableCanonique.allCases.map(\.rawValue).joined(separator: ", ")).")
        }
    }

    func run() throws {
        let espace = try self.espace.espace()
        var options = OptionsImport()
        options.table = table.flatMap(TableCanonique.depuisNom)
        options.strict = strict
        options.forcer = forcer
        options.accepterSuppressions = accepterSuppressions
        options.instantane = instantane
        var urls = chemins.map { URL(fileURLWithPath: $0) }
        var profils = ProfilsDeLEspace()
        var ignores: [String] = []
        var refuses: [BilanFichier] = []
        if let profil {
            // Only the named profile is read: another one, even broken, is no concern of this run.
            options.profil = try ProfilCorrespondance.trouver(profil, dans: espace)
        } else {
            // The workspace's profiles apply to the files whose names match their patterns; a
            // broken one is reported and left out, and a file that several recognise is refused.
            profils = ProfilsDeLEspace.charger(espace)
            options.profils = profils.valides
            options.profilsInvalides = !profils.invalides.isEmpty
            for p in profils.invalides { Sortie.erreur("Attention : \(p.avertissement)") }
            let trouves = try Importeur.fichiers(urls)
            ignores = trouves.ignores
            (urls, refuses) = profils.repartir(trouves.fichiers)
        }
        var (bilan, journal) = try Execution.importer(espace: espace, urls: urls, options: options, commande: "importer")
        bilan.ignores = ignores + bilan.ignores
        bilan.fichiers += refuses
        switch format {
        case .json: Sortie.ecrire(Bilans.json(bilan).texteCompact)
        case .texte: Sortie.ecrire(Bilans.texte(bilan, espace: espace, journal: journal))
        }
        var code = bilan.code
        // A broken profile or a file two profiles recognise: the workspace's configuration is
        // invalid, code 2 of spec/cli.md (the same rule as `executer`, see BilanExecution.code),
        // even though everything else was imported.
        if !profils.invalides.isEmpty || !refuses.isEmpty { code = .pire(code, .usage) }
        if code != .succes { throw ExitCode(code.rawValue) }
    }
}

/// Steps shared by `importer`, `executer` and `demo`.
enum Execution {
    /// Takes the workspace lock, opens the log and the database, and imports.
    static func importer(espace: EspaceDeTravail, urls: [URL], options: OptionsImport, commande: String) throws -> (BilanImport, URL?) {
        let verrou = try Verrou.prendre(espace)
        defer { verrou.liberer() }
        let (journal, urlJournal) = Journal.ouvrir(dans: espace.dossierJournaux, commande: commande)
        if let ancien = verrou.repriseApresInterruption {
            journal.warning("verrou d'une exécution interrompue repris", metadata: ["ancien": "\(ancien)"])
        }
        journal.info("import demandé", metadata: ["fichiers": "\(urls.count)"])
        let base = try Base.ouvrir(espace.baseDeDonnees, espace: espace)
        let bilan = try Importeur(espace: espace, base: base, journal: journal).importer(urls, options: options)
        journal.info("import terminé", metadata: ["lues": "\(bilan.totalLues)", "importees": "\(bilan.totalImportees)",
                                                  "rejetees": "\(bilan.totalRejetees)", "code": "\(bilan.code.rawValue)"])
        return (bilan, urlJournal)
    }
}
