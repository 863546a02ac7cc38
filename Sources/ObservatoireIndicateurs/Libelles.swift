import Foundation
import ObservatoireCore

/// French labels for what the data hold as codes: breakdown keys, objectives, units.
public enum Libelles {
    static let cles: [String: String] = [
        "enfant_sh": "Enfant en situation de handicap", "adulte_sh": "Adulte en situation de handicap",
        "aidant": "Aidant", "professionnel": "Professionnel",
        "information": "Information", "orientation": "Orientation", "recherche_solution": "Recherche de solution",
        "acceptee": "Acceptée", "refusee": "Refusée", "en_attente": "En attente de décision", "sans_suite": "Sans suite",
        "personne": "Avec la personne", "pair_aidant": "Avec des pairs aidants", "non": "Non",
        "non_renseigne": "Non renseigné", "oui": "Oui",
        "droit_commun": "Droit commun", "specialise": "Spécialisé",
        "numero_vert": "Numéro vert 0 800 360 360", "mail": "Courriel", "fiche_saisine": "Fiche saisine",
        "partenaire": "Partenaire", "autre": "Autre",
        "1": "Niveau 1 — acteurs de proximité", "2": "Niveau 2 — équipe C360 et staffs territoriaux",
        "3": "Niveau 3 — RAPT, PAG, GOS",
        "moins_16": "Moins de 16 ans", "16_21": "16 à 21 ans", "plus_21": "Plus de 21 ans",
        "une_sollicitation": "Une seule sollicitation", "plusieurs_sollicitations": "Plusieurs sollicitations",
        "0-7": "0 à 7 jours", "8-15": "8 à 15 jours", "16-30": "16 à 30 jours", "31-60": "31 à 60 jours",
        "61-90": "61 à 90 jours", "plus_90": "Plus de 90 jours",
        "acces_droits": "Accès aux droits", "scolarisation_formation": "Scolarisation, formation", "emploi": "Emploi",
        "logement_habitat": "Logement, habitat", "sante_soins": "Santé, soins",
        "accompagnement_medico_social": "Accompagnement médico-social", "repit_aidants": "Répit des aidants",
        "vie_sociale_loisirs": "Vie sociale, loisirs", "mobilite_transport": "Mobilité, transport",
        "ressources": "Ressources",
    ]

    /// The label of a breakdown key: months as « janvier 2025 », codes in words, other keys
    /// (territories, members) as they are.
    public static func cle(_ cle: String, indicateur: Indicateur? = nil) -> String {
        if let propre = indicateur?.libellesCles[cle] { return propre }
        if cle.count == 7, cle.dropFirst(4).first == "-", let a = Int(cle.prefix(4)), let m = Int(cle.suffix(2)), (1...12).contains(m) {
            return "\(Periode.nomsDesMois[m - 1]) \(a)"
        }
        return cles[cle] ?? cle.replacingOccurrences(of: "_", with: " ")
    }

    /// Short month label for charts (« janv. 25 »).
    public static func moisCourt(_ cle: String) -> String {
        guard cle.count == 7, let a = Int(cle.prefix(4)), let m = Int(cle.suffix(2)), (1...12).contains(m) else { return cle }
        return "\(Periode.nomsCourtsDesMois[m - 1]) \(a % 100)"
    }

    /// The objectives of the cahier des charges, as the indicator table words them.
    public static let objectifs: [String: String] = [
        "1": "Apporter une réponse inconditionnelle et de proximité aux besoins des personnes en situation de handicap et leurs aidants, en privilégiant le milieu ordinaire, pour soutenir leur participation citoyenne",
        "2": "Permettre l'accès aux droits des personnes en situation de handicap en faisant le lien avec les acteurs compétents de l'écosystème (action en subsidiarité) et en mettant en œuvre si nécessaire une logique « d'aller vers »",
        "3": "Soutenir l'expression et les aspirations des personnes en favorisant leur autodétermination",
        "4": "S'appuyer sur une équipe formée, outillée et compétente",
        "5": "Contribuer à l'évolution territoriale de l'offre par la création des réponses nouvelles et innovantes, en coordonnant l'élaboration entre partenaires des projets communs",
        "complementaire": "Indicateurs complémentaires (suivi de l'activité)",
    ]

    public static func periodicite(_ p: String) -> String {
        switch p {
        case "mensuelle": return "Mensuelle"
        case "trimestrielle": return "Trimestrielle"
        case "annuelle": return "Annuelle"
        default: return p
        }
    }

    /// The label of a statistic, from the indicator's header (its name otherwise).
    public static func statistique(_ nom: String, de indicateur: Indicateur) -> String {
        indicateur.statistique(nom)?.libelle ?? nom.replacingOccurrences(of: "_", with: " ")
    }

}
