import Foundation

/// The exit codes of `c360`, as fixed by `spec/cli.md`. Schedulers rely on them.
public enum CodeSortie: Int32, Sendable {
    /// Done, nothing rejected.
    case succes = 0
    /// Unexpected internal error.
    case erreurInterne = 1
    /// Usage error: bad option, missing workspace, invalid configuration.
    case usage = 2
    /// Done, but some rows were rejected (recorded; the rest is stored).
    case rejets = 3
    /// An input file is unreadable as a whole (nothing of it stored).
    case donneesIllisibles = 65
    /// An output cannot be written.
    case ecritureImpossible = 73
    /// Another run holds the workspace lock.
    case verrouille = 75

    /// The most severe of two outcomes, used to combine the results of several files.
    public static func pire(_ a: CodeSortie, _ b: CodeSortie) -> CodeSortie {
        a.gravite >= b.gravite ? a : b
    }

    private var gravite: Int {
        switch self {
        case .succes: return 0
        case .rejets: return 1
        case .donneesIllisibles: return 2
        case .ecritureImpossible: return 3
        case .usage: return 4
        case .verrouille: return 5
        case .erreurInterne: return 6
        }
    }
}

/// An error meant for a coordinator: a French message saying what happened and what to do,
/// and the exit code it maps to.
///
/// ```swift
/// throw ErreurObservatoire(.usage,
///     "Aucun espace de travail trouvé dans /home/coord ni au-dessus.",
///     conseil: "Créez-en un avec « c360 init DOSSIER » ou indiquez-le avec --dossier.")
/// ```
public struct ErreurObservatoire: Error, CustomStringConvertible, Sendable {
    public var code: CodeSortie
    public var message: String
    public var conseil: String?

    public init(_ code: CodeSortie, _ message: String, conseil: String? = nil) {
        self.code = code
        self.message = message
        self.conseil = conseil
    }

    public var description: String {
        guard let conseil else { return message }
        return message + "\n→ " + conseil
    }
}

extension ErreurObservatoire {
    /// A fault of the program itself (not of the data or the machine).
    public static func interne(_ message: String) -> ErreurObservatoire {
        ErreurObservatoire(.erreurInterne, message, conseil: "Signalez ce message à l'équipe technique, avec la commande lancée.")
    }

    /// An output (report, file, folder) cannot be written.
    public static func ecriture(_ chemin: String, _ cause: String) -> ErreurObservatoire {
        ErreurObservatoire(
            .ecritureImpossible,
            "Impossible d'écrire « \(chemin) » : \(cause).",
            conseil: "Vérifiez que le dossier existe, qu'il est accessible en écriture et que le disque n'est pas plein."
        )
    }
}
