import ArgumentParser
import Foundation
#if canImport(Glibc)
import Glibc
#endif
import ObservatoireCore
import ObservatoireExecution
import ObservatoireIndicateurs
import ObservatoireStore

/// `c360`: the command-line tool of Observatoire 360. It only wires the stages together
/// (read → validate → store → compute → render); each subcommand is one type.
@main
struct C360: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "c360",
        abstract: "Observatoire 360 : indicateurs et rapports d'activité d'une Communauté 360.",
        discussion: """
        Déposez les exports de votre outil de suivi, importez-les, puis produisez le tableau des \
        indicateurs du cahier des charges et les rapports pour le COTER et la CNSA.

        Premiers pas :
          c360 init ma-c360 --nom "Communauté 360 du Pas-de-Calais" --departement 62
          cd ma-c360 && c360 importer a-traiter/
          c360 indicateurs --annee 2025
          c360 rapport --annee 2025

        Codes de sortie : 0 terminé sans rejet ; 2 erreur d'utilisation ; 3 terminé avec des \
        lignes rejetées ; 65 fichier illisible ; 73 écriture impossible ; 75 espace occupé par une \
        autre exécution ; 1 erreur interne.
        """,
        version: Version.courante,
        subcommands: [
            CommandeInit.self, CommandeImporter.self, CommandeIndicateurs.self, CommandeRapport.self,
            CommandeTableauDeBord.self, CommandeExecuter.self, CommandeRejets.self, CommandeProfil.self, CommandeModeleSuivi.self,
            CommandeDemoDonnees.self, CommandeDemo.self, CommandeConsolider.self, CommandeDemoConsolidation.self,
        ],
        helpNames: [.short, .long, .customLong("aide")]
    )

    /// Parses, runs, and turns every outcome into the exit codes of `spec/cli.md` and a French
    /// message (ArgumentParser's own messages are translated).
    static func main() {
        // Reports and folders: no access for other accounts; the database, key and logs are 0600.
        umask(0o027)
        // A closed pipe on standard output gives EPIPE (exit 73 with a French message, see
        // `Sortie`) instead of killing the process silently in the middle of its summary.
        signal(SIGPIPE, SIG_IGN)
        Sortie.preparer()
        let arguments = Array(CommandLine.arguments.dropFirst())
        let commande: ParsableCommand
        do {
            commande = try parseAsRoot(arguments)
        } catch {
            sortir(erreur: error)
        }
        do {
            var c = commande
            try c.run()
            Glibc.exit(0)
        } catch {
            sortir(erreur: error)
        }
    }

    static func sortir(erreur brute: Error) -> Never {
        let erreur = Base.erreurFrancaise(brute) ?? brute
        switch erreur {
        case let e as ErreurObservatoire:
            Sortie.erreur("Erreur : \(e.message)" + (e.conseil.map { "\n→ \($0)" } ?? ""))
            Glibc.exit(e.code.rawValue)
        case let e as ExitCode:
            Glibc.exit(e.rawValue)
        case let e as ErreurFichier:
            Sortie.erreur("Erreur : \(e.description).\n→ \(e.conseil)")
            Glibc.exit(CodeSortie.donneesIllisibles.rawValue)
        case let e as NSError where e.domain == NSCocoaErrorDomain || e.domain == NSPOSIXErrorDomain:
            // Foundation's own (English) text never reaches the user: its cause in French.
            let ecriture = e.domain == NSCocoaErrorDomain ? (512...667).contains(e.code)
                : [ENOSPC, EROFS, EDQUOT, EFBIG, ENAMETOOLONG].contains(Int32(e.code))
            Sortie.erreur("Erreur : \(MessageSysteme.francais(e)).\n→ " + (ecriture
                ? "Vérifiez que le dossier existe, qu'il est accessible en écriture et que le disque n'est pas plein."
                : "Vérifiez le fichier ou le dossier indiqué et les droits du compte qui lance c360."))
            Glibc.exit((ecriture ? CodeSortie.ecritureImpossible : CodeSortie.erreurInterne).rawValue)
        default:
            let code = exitCode(for: erreur)
            let message = Francais.traduire(fullMessage(for: erreur))
            if code == .success {
                // --help, --version: to standard output.
                Sortie.brut(message + "\n")
                Glibc.exit(0)
            }
            if code == .validationFailure {
                Sortie.erreur(message)
                Glibc.exit(CodeSortie.usage.rawValue)
            }
            Sortie.erreur("Erreur interne : \(message)\n→ Signalez ce message à l'équipe technique.")
            Glibc.exit(CodeSortie.erreurInterne.rawValue)
        }
    }
}

/// Writing to the terminal.
/// Every control character that is not a line break or a tab is shown in caret notation
/// (`^[`): a value from an export (a territory, a file name) cannot drive the terminal.
///
/// Nothing here traps (see `EcritureStandard`): a closed or full standard output (`>&-`,
/// `>/dev/full`, a log on a full disk, a closed pipe) ends the command with exit code 73 and
/// one French line on standard error; a failing standard error is ignored (nowhere to say it).
enum Sortie {
    /// Standard output was closed when c360 started (`c360 executer >&-`).
    static var sortieFermee = false

    /// Opens /dev/null on any of descriptors 0, 1 and 2 that is closed, so that no file
    /// opened later (the log, an archive, a report) takes its number and receives the summary.
    /// A closed standard output still counts as an output that cannot be written.
    static func preparer() {
        for fd in [STDIN_FILENO, STDOUT_FILENO, STDERR_FILENO] where fcntl(fd, F_GETFD) == -1 && errno == EBADF {
            let n = open("/dev/null", fd == STDIN_FILENO ? O_RDONLY : O_WRONLY)
            if n >= 0 && n != fd {
                dup2(n, fd)
                close(n)
            }
            if fd == STDOUT_FILENO { sortieFermee = true }
        }
    }

    static func erreur(_ texte: String) {
        EcritureStandard.ecrire(STDERR_FILENO, TexteSur.pourTerminal(texte) + "\n")
    }

    /// Standard output, unbuffered (scripts read it line by line).
    static func ecrire(_ texte: String) {
        brut(TexteSur.pourTerminal(texte) + "\n")
    }

    /// Standard output as is (a JSON or CSV document already made safe by its writer).
    static func brut(_ texte: String) {
        guard let cause = sortieFermee ? EBADF : EcritureStandard.ecrire(STDOUT_FILENO, texte) else { return }
        sortieImpossible(cause)
    }

    /// Standard output cannot be written: exit code 73 (an output cannot be written), whatever
    /// the command's own outcome, which the scheduler could not have read anyway.
    static func sortieImpossible(_ e: Int32) -> Never {
        let cause: String
        switch e {
        case EBADF: cause = "elle est fermée"
        case EPIPE: cause = "le programme qui la lisait s'est arrêté"
        default: cause = MessageSysteme.errno(e)
        }
        erreur("Erreur : la sortie standard ne peut pas être écrite (\(cause)) : le résumé de la commande est perdu, le travail déjà fait est conservé (voir le dossier « journaux ») ; vérifiez où la sortie de c360 est envoyée.")
        Glibc.exit(CodeSortie.ecritureImpossible.rawValue)
    }
}

// Domain values read from the command line by several subcommands.

extension Jour: ExpressibleByArgument {
    /// Dates on the command line: `AAAA-MM-JJ` or `JJ/MM/AAAA`, read as in the exports.
    public init?(argument: String) {
        guard case .valeur(let j) = Valeurs.date(argument, pivot: Jour.aujourdhui().annee) else { return nil }
        self = j
    }
}

extension Diffusion: ExpressibleByArgument {
    // The help names the values in French in its own text (see Francais.swift).
    public static var allValueStrings: [String] { [] }
    public static var defaultCompletionKind: CompletionKind { .list(allCases.map(\.rawValue)) }
}

/// `--dossier DIR`, accepted by every subcommand: where the workspace is (default: found from
/// the current folder upwards).
struct OptionsEspace: ParsableArguments {
    @Option(name: .long, help: ArgumentHelp("Dossier de l'espace de travail (par défaut : recherché depuis le dossier courant, en remontant).", valueName: "DOSSIER"))
    var dossier: String?

    func espace() throws -> EspaceDeTravail {
        if let dossier {
            return try EspaceDeTravail.ouvrir(URL(fileURLWithPath: dossier))
        }
        return try EspaceDeTravail.trouver(depuis: URL(fileURLWithPath: FileManager.default.currentDirectoryPath))
    }
}
