import Foundation

/// French for the messages swift-argument-parser writes itself (help headings, parse errors).
///
/// The library writes its help in English and offers no way to change its words, so its
/// output is translated here. What it writes per option is avoided rather than translated: the
/// list of an enumerated option's values, « (values: a, b; default: a) », is wrapped to the
/// terminal's width anywhere in the sentence, which no replacement can follow. So every
/// enumerated option type hides it (`allValueStrings` empty, completion kept) and its help
/// text names the values itself. The default is left to the library (it always shows an
/// enumerated option's raw value): « (default: texte) » has a single word before the value,
/// and is translated below however the line is wrapped.
/// `CLITests.testAidesEnFrancais` runs every command's help and looks for English.
enum Francais {
    static let remplacements: [(String, String)] = [
        ("OVERVIEW:", "PRÉSENTATION :"),
        ("USAGE:", "UTILISATION :"),
        ("ARGUMENTS:", "ARGUMENTS :"),
        ("OPTIONS:", "OPTIONS :"),
        ("SUBCOMMANDS:", "SOUS-COMMANDES :"),
        ("Show help information.", "Affiche cette aide."),
        ("Show the version.", "Affiche la version."),
        ("See 'c360 help <subcommand>' for detailed help.", "Voir « c360 help <sous-commande> » pour l'aide détaillée."),
        // The same under a command that has subcommands (« See 'c360 help profil <subcommand>' … »).
        ("' for detailed help.", "' pour l'aide détaillée."),
        ("Error: ", "Erreur : "),
        ("See 'c360 --help' for more information.", "Voir « c360 --help » pour plus d'informations."),
        ("for more information.", "pour plus d'informations."),
        ("Missing expected argument", "Argument obligatoire manquant"),
        ("Missing value for", "Valeur manquante pour"),
        ("Unknown option", "Option inconnue"),
        ("Unexpected argument", "Argument inattendu"),
        ("Unexpected arguments", "Arguments inattendus"),
        ("is not a valid value for", "n'est pas une valeur valide pour"),
        ("The value", "La valeur"),
        ("is invalid for", "n'est pas valide pour"),
        ("Please provide one of", "Indiquez l'une des options"),
        ("Please provide at most one of", "Indiquez au plus une des options"),
        // Between the quoted names of such a list.
        ("' and '", "' et '"),
        ("' or '", "' ou '"),
        ("Did you mean", "Vouliez-vous dire"),
        ("(default: ", "(par défaut : "),
        // The same when the help's wrapping puts the value on the next line.
        ("(default:", "(par défaut :"),
        ("(values: ", "(valeurs : "),
        ("Help:  ", "Aide :  "),
        ("Usage: ", "Utilisation : "),
        ("<subcommand>", "<sous-commande>"),
        ("Value to", "Valeur pour"),
    ]

    static func traduire(_ message: String) -> String {
        var m = message
        for (anglais, francais) in remplacements { m = m.replacingOccurrences(of: anglais, with: francais) }
        // « See 'c360 importer --help' … » for every subcommand.
        m = m.replacingOccurrences(of: #"See '([^']*)'"#, with: "Voir « $1 »", options: .regularExpression)
        return m
    }
}
