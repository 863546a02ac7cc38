import Foundation

/// French labels of the enumerated values of the canonical format, as a person would write
/// them in a tracker (« Enfant en situation de handicap » for `enfant_sh`). They are the
/// drop-down choices of the ready-made tracker (`c360 modele-suivi`) and are accepted on
/// import as well as the codes themselves (matched after normalisation, like every value).
public enum LibellesValeurs {
    /// Column name → (canonical value → label), in the order of the values.
    public static let parColonne: [String: [(valeur: String, libelle: String)]] = [
        "profil": [("enfant_sh", "Enfant en situation de handicap"), ("adulte_sh", "Adulte en situation de handicap"),
                   ("aidant", "Aidant"), ("professionnel", "Professionnel")],
        "type_demande": [("information", "Information"), ("orientation", "Orientation"),
                         ("recherche_solution", "Recherche de solution")],
        "origine": [("demande", "Demande entrante"), ("reperage_360", "Repérage du 360 (aller vers)")],
        "projet_vie_co_construit": [("personne", "Avec la personne"), ("aidant", "Avec l'aidant"),
                                    ("pair_aidant", "Avec des pairs aidants"), ("non", "Non")],
        "canal": [("numero_vert", "Numéro vert 0 800 360 360"), ("mail", "Courriel"), ("fiche_saisine", "Fiche saisine"),
                  ("partenaire", "Partenaire"), ("autre", "Autre")],
        "tranche_age": [("moins_16", "Moins de 16 ans"), ("16_21", "16 à 21 ans"), ("plus_21", "Plus de 21 ans")],
        "decision": [("acceptee", "Acceptée"), ("refusee", "Refusée"), ("en_attente", "En attente de décision"),
                     ("sans_suite", "Sans suite")],
        "categorie": [("droit_commun", "Droit commun"), ("specialise", "Spécialisé")],
        "fonction": [("coordinateur", "Coordinateur"), ("conseiller_parcours", "Conseiller de parcours"), ("autre", "Autre")],
    ]

    /// The label of a value of a column, or the value itself.
    public static func libelle(_ valeur: String, colonne: String) -> String {
        parColonne[colonne]?.first { $0.valeur == valeur }?.libelle ?? valeur
    }

    /// Normalised label → canonical value, for one column (empty for a column without labels).
    public static func alias(colonne: String) -> [String: String] {
        var d: [String: String] = [:]
        for (v, l) in parColonne[colonne] ?? [] { d[Normalisation.cle(l)] = v }
        return d
    }
}
